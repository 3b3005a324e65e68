"""Bookings through the ledger services: what moves where, and what is refused."""

from __future__ import annotations

import pytest

from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.money import Asset
from tests.wallets.conftest import run_deferred_checks
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.errors import InsufficientFunds, LedgerConflict
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_available, owner_balances
from wallets.ledger.services import (
    ledger_credit,
    ledger_hold,
    ledger_network_fee,
    ledger_release,
    ledger_settle,
    ledger_transfer,
)
from wallets.models.ledger import Bucket, HoldStatus, JournalEntry, LedgerAccount, Posting

pytestmark = pytest.mark.django_db

ALICE = LedgerOwner.customer(11, client_id=1)
BOB = LedgerOwner.customer(12, client_id=1)
CLIENT = LedgerOwner.client(1)


def custody(asset: Asset) -> int:
    account = LedgerAccount.objects.filter(
        owner_type="platform", asset=asset, bucket=Bucket.CUSTODY
    ).first()
    return account.balance if account else 0


def balances(owner: LedgerOwner, asset: Asset) -> tuple[int, int]:
    found = next(b for b in owner_balances(owner=owner) if b.asset == asset)
    return found.available, found.held


def test_credit_moves_custody_to_the_customers_available_balance() -> None:
    entry = ledger_credit(owner=ALICE, asset=Asset.USDT, amount=10_000_000, reference="dep:1")
    run_deferred_checks()

    assert balances(ALICE, Asset.USDT) == (10_000_000, 0)
    assert custody(Asset.USDT) == -10_000_000
    assert sorted(p.amount for p in entry.postings.all()) == [-10_000_000, 10_000_000]
    assert_ledger_consistent()


def test_crediting_the_same_reference_twice_books_it_once() -> None:
    first = ledger_credit(owner=ALICE, asset=Asset.TRX, amount=5_000_000, reference="dep:tx:0")
    second = ledger_credit(owner=ALICE, asset=Asset.TRX, amount=5_000_000, reference="dep:tx:0")

    assert first.pk == second.pk
    assert owner_available(owner=ALICE, asset=Asset.TRX) == 5_000_000
    assert JournalEntry.objects.count() == 1


def test_a_reused_reference_with_a_different_amount_is_a_conflict() -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=5_000_000, reference="dep:tx:0")
    with pytest.raises(LedgerConflict):
        ledger_credit(owner=ALICE, asset=Asset.TRX, amount=6_000_000, reference="dep:tx:0")
    assert owner_available(owner=ALICE, asset=Asset.TRX) == 5_000_000


def test_holding_more_than_available_is_refused_and_writes_nothing() -> None:
    ledger_credit(owner=ALICE, asset=Asset.USDT, amount=1_000_000, reference="dep:1")
    entries_before = JournalEntry.objects.count()

    with pytest.raises(InsufficientFunds):
        ledger_hold(owner=ALICE, asset=Asset.USDT, amount=1_000_001, reference="payout:1")

    assert JournalEntry.objects.count() == entries_before
    assert balances(ALICE, Asset.USDT) == (1_000_000, 0)


def test_hold_then_settle_sends_the_funds_out_of_custody() -> None:
    ledger_credit(owner=ALICE, asset=Asset.USDT, amount=3_000_000, reference="dep:1")
    hold = ledger_hold(owner=ALICE, asset=Asset.USDT, amount=2_000_000, reference="payout:1")
    assert balances(ALICE, Asset.USDT) == (1_000_000, 2_000_000)

    settled = ledger_settle(reference="payout:1")
    run_deferred_checks()

    assert settled.pk == hold.pk and settled.status == HoldStatus.SETTLED
    assert balances(ALICE, Asset.USDT) == (1_000_000, 0)
    assert custody(Asset.USDT) == -1_000_000
    assert_ledger_consistent()


def test_hold_then_release_returns_the_funds_to_available() -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=3_000_000, reference="dep:1")
    ledger_hold(owner=ALICE, asset=Asset.TRX, amount=2_000_000, reference="payout:1")

    released = ledger_release(reference="payout:1")

    assert released.status == HoldStatus.RELEASED
    assert balances(ALICE, Asset.TRX) == (3_000_000, 0)
    assert_ledger_consistent()


def test_settling_twice_is_safe_but_releasing_a_settled_hold_is_a_conflict() -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=3_000_000, reference="dep:1")
    ledger_hold(owner=ALICE, asset=Asset.TRX, amount=2_000_000, reference="payout:1")
    ledger_settle(reference="payout:1")
    entries = JournalEntry.objects.count()

    ledger_settle(reference="payout:1")
    with pytest.raises(LedgerConflict):
        ledger_release(reference="payout:1")

    assert JournalEntry.objects.count() == entries
    assert balances(ALICE, Asset.TRX) == (1_000_000, 0)


def test_holding_the_same_reference_twice_returns_the_first_hold() -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=3_000_000, reference="dep:1")
    first = ledger_hold(owner=ALICE, asset=Asset.TRX, amount=1_000_000, reference="payout:1")
    again = ledger_hold(owner=ALICE, asset=Asset.TRX, amount=1_000_000, reference="payout:1")

    assert again.pk == first.pk
    assert balances(ALICE, Asset.TRX) == (2_000_000, 1_000_000)


def test_transfer_between_customers_and_overdraft_refused() -> None:
    ledger_credit(owner=ALICE, asset=Asset.USDT, amount=4_000_000, reference="dep:1")
    ledger_transfer(
        source=ALICE, destination=BOB, asset=Asset.USDT, amount=1_500_000, reference="move:1"
    )

    with pytest.raises(InsufficientFunds):
        ledger_transfer(
            source=BOB, destination=CLIENT, asset=Asset.USDT, amount=1_500_001, reference="move:2"
        )

    assert owner_available(owner=ALICE, asset=Asset.USDT) == 2_500_000
    assert owner_available(owner=BOB, asset=Asset.USDT) == 1_500_000
    assert owner_available(owner=CLIENT, asset=Asset.USDT) == 0
    assert_ledger_consistent()


def test_assets_are_kept_apart() -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=1_000_000, reference="dep:1")
    with pytest.raises(InsufficientFunds):
        ledger_hold(owner=ALICE, asset=Asset.USDT, amount=1, reference="payout:1")


@pytest.mark.parametrize("amount", [0, -1, True, 1.5, "10"])
def test_amounts_must_be_positive_integers(amount: object) -> None:
    with pytest.raises(InvalidInput):
        ledger_credit(owner=ALICE, asset=Asset.TRX, amount=amount, reference="dep:1")  # type: ignore[arg-type]
    assert Posting.objects.count() == 0


def test_postings_record_the_running_balance() -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=7, reference="dep:1")
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=5, reference="dep:2")
    ledger_hold(owner=ALICE, asset=Asset.TRX, amount=3, reference="payout:1")

    available = LedgerAccount.objects.get(owner_id=ALICE.id, bucket=Bucket.AVAILABLE)
    assert list(available.postings.order_by("id").values_list("balance_after", flat=True)) == [
        7,
        12,
        9,
    ]


def test_a_network_fee_leaves_custody_into_the_platform_expense_account_once(
    deferred_checks_after: None,
) -> None:
    ledger_credit(owner=ALICE, asset=Asset.TRX, amount=10_000_000, reference="deposit")
    first = ledger_network_fee(asset=Asset.TRX, amount=1_100_000, reference="network-fee:x")
    again = ledger_network_fee(asset=Asset.TRX, amount=1_100_000, reference="network-fee:x")

    assert again.pk == first.pk
    assert first.kind == "network_fee"
    assert custody(Asset.TRX) == -10_000_000 + 1_100_000  # we hold 8.9 TRX on chain
    fees = LedgerAccount.objects.get(owner_type="platform", bucket=Bucket.NETWORK_FEES)
    assert fees.balance == -1_100_000
    assert balances(ALICE, Asset.TRX) == (10_000_000, 0)  # the customer does not pay it
    with pytest.raises(LedgerConflict):
        ledger_network_fee(asset=Asset.TRX, amount=1, reference="network-fee:x")
    with pytest.raises(InvalidInput):
        ledger_network_fee(asset=Asset.TRX, amount=0, reference="network-fee:y")
    assert_ledger_consistent()


def test_only_the_platform_has_a_network_fees_account() -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="network_fees_is_platform_only"):
        with transaction.atomic():
            LedgerAccount.objects.create(
                owner_type="customer",
                owner_id=ALICE.id,
                client_id=ALICE.client_id,
                asset=Asset.TRX,
                bucket=Bucket.NETWORK_FEES,
            )
