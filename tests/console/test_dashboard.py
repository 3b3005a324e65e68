"""The admin's front page: every panel computed on the server from what is stored."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.roles import KYC_REVIEWER, SUPPORT, TREASURY
from tests.console.conftest import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]


def _page(username: str, *roles: str) -> str:
    http = HttpClient()
    http.force_login(make_staff(username, *roles))
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
