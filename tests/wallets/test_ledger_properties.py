"""Property test: random sequences of credits, holds, settlements, releases, transfers and
network fees keep the ledger sound — every entry sums to zero per asset, no tenant balance goes
negative, every cached balance equals the one recomputed from the postings, and the daily
deposits roll-up equals the deposits (credits of chain transfers) among them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lucid_payments.core.money import Asset
from tests.wallets.conftest import run_deferred_checks
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.errors import InsufficientFunds, LedgerConflict
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import (
    ledger_credit,
    ledger_hold,
    ledger_network_fee,
    ledger_release,
    ledger_settle,
    ledger_transfer,
)
from wallets.models.ledger import Bucket, DailyDeposits, LedgerAccount, OwnerType

OWNERS = [
    LedgerOwner.client(1),
    LedgerOwner.customer(101, client_id=1),
    LedgerOwner.customer(102, client_id=1),
]
owners = st.sampled_from(OWNERS)
assets = st.sampled_from([Asset.TRX, Asset.USDT])
amounts = st.integers(min_value=1, max_value=5_000_000)
hold_numbers = st.integers(min_value=0, max_value=7)  # few, so settle/release hit real holds

operations = st.one_of(
    st.tuples(st.just("credit"), owners, assets, amounts),
    st.tuples(st.just("hold"), owners, assets, amounts, hold_numbers),
    st.tuples(st.just("settle"), hold_numbers),
    st.tuples(st.just("release"), hold_numbers),
    st.tuples(st.just("transfer"), owners, owners, assets, amounts),
    st.tuples(st.just("network_fee"), amounts),
)


class _Rollback(Exception):
    """Undo one example's bookings: the examples share the test's database."""


@dataclass
class Model:
    """What the balances must be, kept independently of the ledger."""

    available: dict[tuple[LedgerOwner, Asset], int]
    held: dict[tuple[LedgerOwner, Asset], int]
    holds: dict[int, tuple[LedgerOwner, Asset, int, str]]  # number -> owner, asset, amount, state
    fees: int = 0  # TRX our transactions burned: a platform expense, no tenant pays it
    deposits: dict[Asset, int] = field(default_factory=dict)  # credits of chain transfers

    def apply(self, op: tuple, step: int) -> None:
        kind = op[0]
        if kind == "credit":
            _, owner, asset, amount = op
            # Every other credit is a chain transfer's (a deposit), the rest are not.
            reference = f"chain:devnet:tx{step}:0" if step % 2 else f"credit:{step}"
            ledger_credit(owner=owner, asset=asset, amount=amount, reference=reference)
            self.available[owner, asset] = self.available.get((owner, asset), 0) + amount
            if step % 2:
                self.deposits[asset] = self.deposits.get(asset, 0) + amount
        elif kind == "hold":
            _, owner, asset, amount, number = op
            short = self.available.get((owner, asset), 0) < amount
            try:
                ledger_hold(owner=owner, asset=asset, amount=amount, reference=f"hold:{number}")
            except InsufficientFunds:
                assert short
                return
            except LedgerConflict:
                assert number in self.holds  # the reference is taken by a different hold
                return
            if number in self.holds:
                return  # the same hold again: nothing booked
            assert not short
            self.available[owner, asset] -= amount
            self.held[owner, asset] = self.held.get((owner, asset), 0) + amount
            self.holds[number] = (owner, asset, amount, "held")
        elif kind in ("settle", "release"):
            _, number = op
            service = ledger_settle if kind == "settle" else ledger_release
            target = "settled" if kind == "settle" else "released"
            try:
                service(reference=f"hold:{number}")
            except LedgerConflict:
                assert number not in self.holds or self.holds[number][3] not in ("held", target)
                return
            owner, asset, amount, state = self.holds[number]
            if state == "held":
                self.held[owner, asset] -= amount
                if kind == "release":
                    self.available[owner, asset] += amount
                self.holds[number] = (owner, asset, amount, target)
        elif kind == "transfer":
            _, source, destination, asset, amount = op
            if source == destination:
                return
            short = self.available.get((source, asset), 0) < amount
            try:
                ledger_transfer(
                    source=source,
                    destination=destination,
                    asset=asset,
                    amount=amount,
                    reference=f"transfer:{step}",
                )
            except InsufficientFunds:
                assert short
                return
            assert not short
            self.available[source, asset] -= amount
            self.available[destination, asset] = (
                self.available.get((destination, asset), 0) + amount
            )
        elif kind == "network_fee":
            _, amount = op
            ledger_network_fee(asset=Asset.TRX, amount=amount, reference=f"fee:{step}")
            self.fees += amount

    def check(self) -> None:
        for owner in OWNERS:
            for balance in owner_balances(owner=owner):
                assert balance.available == self.available.get((owner, balance.asset), 0)
                assert balance.held == self.held.get((owner, balance.asset), 0)
        fees = LedgerAccount.objects.filter(
            owner_type=OwnerType.PLATFORM, asset=Asset.TRX, bucket=Bucket.NETWORK_FEES
        ).first()
        assert (fees.balance if fees else 0) == -self.fees
        for asset in (Asset.TRX, Asset.USDT):
            days = DailyDeposits.objects.filter(asset=asset)
            assert sum(day.amount for day in days) == self.deposits.get(asset, 0)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operations, min_size=1, max_size=25))
def test_random_bookings_keep_the_ledger_sound(ops: list[tuple]) -> None:
    model = Model(available={}, held={}, holds={})
    try:
        with transaction.atomic():
            for step, op in enumerate(ops):
                model.apply(op, step)
                run_deferred_checks()  # what COMMIT would check, after every booking
                assert_ledger_consistent()
            model.check()
            raise _Rollback
    except _Rollback:
        pass
