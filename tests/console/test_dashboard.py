"""The admin's front page: every panel computed on the server from what is stored."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from gateway.invoices.models import Invoice, InvoiceStatus
from gateway.invoices.services import invoice_create
from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.roles import KYC_REVIEWER, SUPPORT, TREASURY
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from tests.console.conftest import make_staff
from tests.console.payouts_sweeps_rows import fee_row
from tests.gateway_invoices.conftest import Tenant
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]


def _page(username: str, *roles: str, superuser: bool = False) -> str:
    http = HttpClient()
    http.force_login(make_staff(username, *roles, superuser=superuser))
    response = http.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_difference_is_shown_in_red_with_the_time_of_the_run() -> None:
    ReconcileRun.objects.create(
        finished_at=timezone.now(),
        source="command",
        verdict=ReconcileRun.Verdict.DIFFER,
        head_block=120,
        scanned_block=118,
        lines=[
            {
                "asset": "TRX",
                "addresses": 2,
                "on_chain": 5_500_000,
                "ledger_custody": 5_000_000,
                "pending_in": 0,
                "pending_in_count": 0,
                "pending_out": 0,
                "pending_out_count": 0,
                "expected": 5_000_000,
                "difference": 500_000,
            }
        ],
    )
    NodeReading.objects.create(
        read_at=timezone.now(), network="devnet", head_block=130, solid_block=111
    )

    page = _page("sue", SUPPORT)

    assert 'id="panel-custody"' in page
    assert '<td class="num difference differs">0.5 TRX</td>' in page
    assert '<td class="num on-chain">5.5 TRX</td>' in page
    assert 'id="chain-head">130<' in page and 'id="chain-solid">111<' in page
    assert 'id="panel-daily"' in page and "<svg" in page


def test_without_a_run_the_custody_panel_says_how_to_get_one() -> None:
    page = _page("tess", TREASURY)
    assert "No reconcile yet" in page
    assert 'id="console-exports-link"' in page  # treasury exports


def test_support_is_offered_no_exports() -> None:
    assert 'id="console-exports-link"' not in _page("sam", SUPPORT)


def test_a_kyc_reviewer_sees_the_queue_not_the_treasury() -> None:
    page = _page("kim", KYC_REVIEWER)
    assert 'data-item="kyc_pending"' in page
    assert 'id="panel-custody"' not in page and 'id="panel-wallets"' not in page
    assert 'data-item="webhooks_failed"' not in page


def _chart(page: str, key: str) -> str:
    found = re.search(f'<figure class="console-chart" id="chart-{key}">(.*?)</figure>', page, re.S)
    assert found, f"no chart {key}"
    return found.group(1)


def _totals(page: str, key: str) -> list[str]:
    return re.findall(r'<span class="legend s\d">([^<]+)</span>', _chart(page, key))


def test_the_deposits_charts_show_each_days_deposits_of_the_last_30_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = timezone.now()
    owner = LedgerOwner.customer(5, client_id=1)
    for days_ago, asset, amount, txid in (
        (0, Asset.TRX, 1_500_000, "a"),
        (0, Asset.TRX, 2_000_000, "b"),
        (1, Asset.TRX, 250_000, "c"),
        (0, Asset.USDT, 3_000_000, "d"),
        (31, Asset.TRX, 9_000_000, "e"),  # before the window
    ):
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda d=days_ago: now - timedelta(days=d))
            ledger_credit(
                owner=owner, asset=asset, amount=amount, reference=f"chain:devnet:{txid}:0"
            )
    ledger_credit(owner=owner, asset=Asset.TRX, amount=7_000_000, reference="not-a-deposit")

    page = _page("root", superuser=True)

    trx, usdt = _chart(page, "deposits_trx"), _chart(page, "deposits_usdt")
    today, yesterday = now.date().isoformat(), (now - timedelta(days=1)).date().isoformat()
    assert "TRX 3.75 TRX</span>" in trx
    assert f"<title>{today}: TRX 3.5 TRX</title>" in trx
    assert f"<title>{yesterday}: TRX 0.25 TRX</title>" in trx
    assert "USDT 3 USDT</span>" in usdt
    assert f"<title>{today}: USDT 3 USDT</title>" in usdt


def test_the_invoice_and_network_cost_charts_share_one_pass_and_keep_their_figures(
    tenant: Tenant,
) -> None:
    now = timezone.now()
    for asset, amount, status, paid_days_ago in (
        (Asset.TRX, 4_000_000, InvoiceStatus.PAID, 0),
        (Asset.USDT, 1_500_000, InvoiceStatus.PAID, 1),
        (Asset.USDT, 2_000_000, InvoiceStatus.PAID, 0),
        (Asset.USDT, 8_000_000, InvoiceStatus.EXPIRED, None),
        (Asset.TRX, 9_000_000, InvoiceStatus.PAID, 40),  # before the window
    ):
        invoice = invoice_create(
            client=tenant.client, asset=asset, amount=amount, actor=AuditActor.system("test")
        ).invoice
        paid = paid_days_ago is not None
        Invoice.objects.filter(pk=invoice.pk).update(  # the paying flow has its own suite
            status=status,
            paid_amount=amount if paid else 0,
            paid_at=now - timedelta(days=paid_days_ago) if paid else None,
        )
    fee_row(txid="a" * 64, reference="internal:sweep:1", fee_sun=1_100_000)
    fee_row(txid="b" * 64, reference="internal:sweep:2", fee_sun=345_000)

    page = _page("root", superuser=True)

    assert _totals(page, "invoices_paid") == ["paid 3"]
    assert _totals(page, "invoices_trx") == ["TRX 4 TRX"]
    assert _totals(page, "invoices_usdt") == ["USDT 3.5 USDT"]
    assert f"<title>{now.date().isoformat()}: paid 2</title>" in _chart(page, "invoices_paid")
    assert _totals(page, "sent") == ["sent 2"]
    assert _totals(page, "network_costs") == ["burned 1.445 TRX"]
    assert _totals(page, "burned_saved") == ["burned 1.445 TRX", "saved 0 TRX"]
