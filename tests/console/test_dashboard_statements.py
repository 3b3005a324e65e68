"""The dashboard's cost in SQL statements: a handful per panel, whatever the data holds.

A panel that loops over rows (a query per invoice, per reading, per day) shows here as a
count that grows with the data, and a chart that asks again for what another chart of the
same figures asked shows as a count above the bound; ``python -m bench.admin`` measures the
time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lucid_payments.accounts.services import client_create
from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.roles import SUPPORT
from lucid_payments.core.money import Asset
from tests.console.conftest import make_staff
from tests.console.payouts_sweeps_rows import PayoutStatus, fee_row, payout
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models import TransactionFee

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]

# Today's dashboard sends 26 (superuser) and 28 (support: permission checks): one query
# per table behind the 30-day charts (the three invoice charts share one, the three payout
# charts one, the three network-cost charts one, both deposit charts one). The bound leaves
# room for a few more panels, not for a query per row, per day or per chart.
MAX_STATEMENTS = 30


def _statements(http: HttpClient) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert http.get("/admin/").status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _reading(statements: list[str], table: str) -> int:
    return sum(f'"{table}"' in sql for sql in statements)


def _readings(count: int) -> None:
    now = timezone.now()
    NodeReading.objects.bulk_create(
        NodeReading(
            read_at=now - timedelta(minutes=5 * n),
            network="devnet",
            head_block=1_000 - n,
            solid_block=980 - n,
            error="" if n % 2 else "node timed out",
        )
        for n in range(count)
    )
    ReconcileRun.objects.bulk_create(
        ReconcileRun(
            finished_at=now - timedelta(minutes=5 * n),
            source="schedule",
            verdict=ReconcileRun.Verdict.AGREE,
        )
        for n in range(count)
    )


def _busy_days(first: int, count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Days ``first`` to ``first + count - 1`` ago: on each, a deposit in each asset, a
    payout sent and a transaction's network cost."""
    client = client_create(name=f"busy-{first}")
    owner = LedgerOwner.customer(first + 1, client_id=client.pk)
    now = timezone.now()
    for days_ago in range(first, first + count):
        moment = now - timedelta(days=days_ago)
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda moment=moment: moment)
            for asset in (Asset.TRX, Asset.USDT):
                reference = f"chain:devnet:{asset}{days_ago:060d}:0"
                ledger_credit(owner=owner, asset=asset, amount=1_000_000, reference=reference)
        payout(client, status=PayoutStatus.CONFIRMED, sent_at=moment)
        fee = fee_row(txid=f"{days_ago:064x}", reference=f"fee:{days_ago}", fee_sun=1_000)
        TransactionFee.objects.filter(pk=fee.pk).update(block_time=moment)


@pytest.mark.parametrize("superuser", [True, False], ids=["superuser", "support"])
def test_the_dashboard_sends_a_bounded_number_of_statements(
    superuser: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles = () if superuser else (SUPPORT,)
    http = HttpClient()
    http.force_login(make_staff("op", *roles, superuser=superuser))
    _statements(http)  # warm: content types, permissions
    _readings(3)
    _busy_days(0, 2, monkeypatch)
    few = _statements(http)
    _readings(60)
    _busy_days(2, 25, monkeypatch)
    many = _statements(http)

    assert len(many) == len(few)
    assert len(many) <= MAX_STATEMENTS, len(many)
    # The deposit charts read the ledger's daily roll-up, never a month of postings.
    assert _reading(many, "wallets_posting") == _reading(many, "wallets_journalentry") == 0
    assert _reading(many, "wallets_dailydeposits") == 1
    assert _reading(many, "invoices_invoice") == 1
    assert _reading(many, "wallets_transactionfee") == 1
