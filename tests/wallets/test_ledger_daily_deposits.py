"""The deposits roll-up: each UTC day's row equals the deposits booked that day, to the
base unit, however they were booked (twice, around midnight, beside other credits), and
``ledger_verify`` names a day that drifted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from lucid_payments.core.money import Asset
from tests.wallets.conftest import run_deferred_checks
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit, ledger_hold, ledger_transfer
from wallets.ledger.verify import daily_deposit_mismatches
from wallets.models.ledger import DailyDeposits

pytestmark = pytest.mark.django_db

ALICE = LedgerOwner.customer(21, client_id=2)
BOB = LedgerOwner.customer(22, client_id=2)
CLIENT = LedgerOwner.client(2)
MIDNIGHT = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the clock the ledger stamps its entries with."""

    def set_clock(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_clock


def deposit(owner: LedgerOwner, asset: Asset, amount: int, txid: str) -> None:
    ledger_credit(owner=owner, asset=asset, amount=amount, reference=f"chain:devnet:{txid}:0")


def rolled_up() -> dict[tuple[date, str], tuple[int, int]]:
    return {(r.day, r.asset): (r.amount, r.deposits) for r in DailyDeposits.objects.all()}


def test_each_days_deposits_roll_up_to_exactly_their_postings(
    at: Callable[[datetime], None],
) -> None:
    at(MIDNIGHT - timedelta(microseconds=1))  # the last moment of 30 November
    deposit(ALICE, Asset.TRX, 1_000_001, "a")
    deposit(BOB, Asset.USDT, 7, "b")
    at(MIDNIGHT)
    deposit(ALICE, Asset.TRX, 2_000_000, "c")
    deposit(CLIENT, Asset.TRX, 3, "d")
    deposit(ALICE, Asset.TRX, 2_000_000, "c")  # the same transfer again: booked once
    # Credits that are not chain transfers and moves inside the ledger are not deposits.
    ledger_credit(owner=CLIENT, asset=Asset.TRX, amount=50, reference="stake:1:reward")
    ledger_transfer(source=ALICE, destination=BOB, asset=Asset.TRX, amount=5, reference="t:1")
    ledger_hold(owner=ALICE, asset=Asset.TRX, amount=9, reference="payout:1")
    at(MIDNIGHT + timedelta(days=1, hours=23))
    deposit(BOB, Asset.USDT, 10**15, "e")
    run_deferred_checks()

    assert rolled_up() == {
        (date(2026, 11, 30), "TRX"): (1_000_001, 1),
        (date(2026, 11, 30), "USDT"): (7, 1),
        (date(2026, 12, 1), "TRX"): (2_000_003, 2),
        (date(2026, 12, 2), "USDT"): (10**15, 1),
    }
    assert daily_deposit_mismatches() == []
    assert_ledger_consistent()


def test_a_day_rolled_up_wrong_or_missing_fails_verification(
    at: Callable[[datetime], None],
) -> None:
    at(MIDNIGHT)
    deposit(ALICE, Asset.TRX, 40, "a")
    deposit(ALICE, Asset.USDT, 60, "b")
    DailyDeposits.objects.filter(asset="TRX").update(amount=41)  # drifted
    DailyDeposits.objects.filter(asset="USDT").delete()  # lost
    out = StringIO()

    with pytest.raises(CommandError, match="2 day\\(s\\) of deposits rolled up wrong"):
        call_command("ledger_verify", stdout=out)

    assert [(m.asset, m.rolled_up, m.recomputed) for m in daily_deposit_mismatches()] == [
        ("TRX", (41, 1), (40, 1)),
        ("USDT", (0, 0), (60, 1)),
    ]
    assert "2026-12-01" in out.getvalue()


def test_the_migration_rolls_up_the_deposits_booked_before_it(
    at: Callable[[datetime], None],
) -> None:
    backfill = import_module("wallets.migrations.0011_daily_deposits").backfill
    for day in range(3):
        at(MIDNIGHT + timedelta(days=day, hours=day))
        deposit(ALICE, Asset.TRX, 10 + day, f"t{day}")
        deposit(BOB, Asset.USDT, 20 + day, f"u{day}")
        deposit(BOB, Asset.USDT, 30 + day, f"v{day}")
    ledger_credit(owner=CLIENT, asset=Asset.TRX, amount=50, reference="stake:1:reward")
    booked = rolled_up()
    DailyDeposits.objects.all().delete()  # as before the migration: postings, no roll-up

    backfill(django_apps, None)

    assert rolled_up() == booked
    assert booked[date(2026, 12, 3), "USDT"] == (22 + 32, 2)
    assert daily_deposit_mismatches() == []
