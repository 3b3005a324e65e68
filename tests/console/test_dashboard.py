"""The admin's front page: every panel computed on the server from what is stored."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.roles import KYC_REVIEWER, SUPPORT, TREASURY
from lucid_payments.core.money import Asset
from tests.console.conftest import make_staff
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
