"""Payouts and sweeps in the console: what waits for an operator (each count linking to
the list that shows exactly those), the 30-day charts, the payouts export and sweeps'
costs in the network-costs export, and the audited retry of a failed sweep."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client as WebClient
from django.utils import timezone

from gateway.sweeps.models import SweepAddress, SweepKind
from lucid_payments.accounts.services import client_create
from lucid_payments.console.payout_admin_links import (
    payout_amount,
    payout_outgoing_link,
    payout_related,
    payout_status_badge,
)
from lucid_payments.console.roles import KYC_REVIEWER, SUPPORT, TREASURY
from lucid_payments.core.models import AuditEvent
from payouts.models import PayoutApproval
from tests.console.conftest import make_staff
from tests.console.payouts_sweeps_rows import (
    PayoutStatus,
    SweepStatus,
    completed_sweep,
    fee_row,
    payout,
    sweep,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]
SWEEPS = "/admin/sweeps/sweep/"
EXPORTS = "/admin/console/exports/"
TXID = "ab" * 32


def _web(username: str, *roles: str, superuser: bool = False) -> WebClient:
    web = WebClient()
    web.force_login(make_staff(username, *roles, superuser=superuser))
    return web


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _attention(page: str) -> dict[str, tuple[str, str]]:
    """{item key: (count, link)} of the "needs a human" table."""
    found = re.findall(
        r'<tr data-item="([a-z_]+)"[^>]*>\s*<th><a href="([^"]+)">.*?class="num count">(\d+)<',
        page,
        flags=re.S,
    )
    return {key: (count, url.replace("&amp;", "&")) for key, url, count in found}


def _listed(web: WebClient, url: str) -> int:
    response = web.get(url)
    assert response.status_code == 200, url  # a lookup the admin refuses redirects (?e=1)
    page = response.content.decode()
    if 'id="result_list"' not in page:
        return 0
    body = page.split('id="result_list"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr")


def test_what_waits_for_an_operator_is_counted_and_links_to_exactly_those() -> None:
    client = client_create(name="acme")
    approver = User.objects.create_user("first-approver")
    payout(client, status=PayoutStatus.AWAITING_APPROVAL, approvals_required=1)
    four_eyes = payout(client, status=PayoutStatus.AWAITING_APPROVAL, approvals_required=2)
    PayoutApproval.objects.create(payout=four_eyes, operator=approver)
    payout(client, status=PayoutStatus.QUEUED, delayed_since=timezone.now())
    payout(client, status=PayoutStatus.QUEUED)  # waits for the worker, not for a human
    sweep(client, status=SweepStatus.FAILED, failure_code="OUT_OF_ENERGY")
    sweep(client, status=SweepStatus.COMPLETED, address="TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf")
    web = _web("sue", SUPPORT)

    rows = _attention(web.get("/admin/").content.decode())

    expected = {
        "payouts_awaiting_approval": 1,
        "payouts_second_approver": 1,
        "payouts_delayed": 1,
        "sweeps_failed": 1,
    }
    for key, count in expected.items():
        assert rows[key][0] == str(count), key
        assert _listed(web, rows[key][1]) == count, key  # the admin accepts the filter
    kyc = _attention(_web("kim", KYC_REVIEWER).get("/admin/").content.decode())
    assert not set(expected) & set(kyc)


def test_the_30_days_show_payouts_sent_and_sweeps_completed_with_their_costs() -> None:
    client = client_create(name="acme")
    yesterday = timezone.now() - timedelta(days=1)
    payout(client, status=PayoutStatus.CONFIRMED, sent_at=yesterday, amount=2_000_000)
    payout(client, status=PayoutStatus.SENDING, sent_at=timezone.now(), amount=500_000)
    payout(client, status=PayoutStatus.FAILED, sent_at=timezone.now(), amount=9_000_000)
    payout(client, status=PayoutStatus.CONFIRMED, asset="TRX", sent_at=yesterday, amount=3_000_000)
    completed_sweep(client, at=yesterday, txid=TXID)

    page = _web("tess", TREASURY).get("/admin/").content.decode()

    def totals(key: str) -> list[str]:
        chart = page.split(f'id="chart-{key}"', 1)[1].split("</figure>", 1)[0]
        return re.findall(r'<span class="legend s\d">([^<]+)</span>', chart)

    assert totals("payouts_sent") == ["sent 3"]  # the failed one came back
    assert totals("payouts_usdt") == ["USDT 2.5 USDT"]
    assert totals("payouts_trx") == ["TRX 3 TRX"]
    assert totals("sweeps_completed") == ["completed 1"]
    assert totals("sweep_costs") == ["energy 3 TRX", "activation, bandwidth, send 0.345 TRX"]


def test_the_payouts_export_streams_one_client_with_its_network_cost(tmp_path: Path) -> None:
    ours, theirs = client_create(name="ours"), client_create(name="theirs")
    sent = payout(ours, status=PayoutStatus.CONFIRMED, txid=TXID, reference="=cmd|calc")
    payout(theirs, status=PayoutStatus.QUEUED)
    fee_row(txid=TXID, reference=sent.ledger_reference, fee_sun=1_100_000, client=ours)
    today = timezone.now().date().isoformat()

    response = _web("tess", TREASURY).get(
        EXPORTS, {"export": "payouts", "start": today, "end": today, "client": ours.pk}
    )

    rows = _rows(b"".join(response.streaming_content).decode())  # type: ignore[attr-defined]
    assert [(r["payout_id"], r["amount"], r["asset"], r["network_cost_trx"]) for r in rows] == [
        (sent.public_id, "7.25", "USDT", "1.1")
    ]
    assert rows[0]["reference"] == "'=cmd|calc"  # a formula stays text in a spreadsheet
    target, err = tmp_path / "payouts.csv", io.StringIO()
    call_command(
        "export", "payouts", "--start", today, "--end", today, "--output", str(target), stderr=err
    )
    assert len(_rows(target.read_text())) == 2 and "Wrote 2 rows" in err.getvalue()


def test_a_clients_network_costs_include_its_sweeps_transactions() -> None:
    client = client_create(name="acme")
    done = completed_sweep(client, at=timezone.now(), txid=TXID)
    fee_row(txid=TXID, reference=done.reference, fee_sun=345_000)  # no client on the row
    fee_row(txid="cd" * 32, reference="internal:sweep:swp_other", fee_sun=1)
    today = timezone.now().date().isoformat()

    response = _web("tess", TREASURY).get(
        EXPORTS, {"export": "network-costs", "start": today, "end": today, "client": client.pk}
    )

    rows = _rows(b"".join(response.streaming_content).decode())  # type: ignore[attr-defined]
    assert [(r["txid"], r["purpose"], r["sweep_id"], r["fee_trx"]) for r in rows] == [
        (TXID, "sweep", done.public_id, "0.345")
    ]


def test_treasury_retries_a_failed_sweep_with_a_reason_and_support_cannot() -> None:
    client = client_create(name="acme")
    failed = sweep(client, status=SweepStatus.FAILED, failure_code="OUT_OF_ENERGY")
    excess = sweep(
        client,
        status=SweepStatus.FAILED,
        kind=SweepKind.EXCESS,
        address="TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf",
    )
    chosen = {"action": "retry", "_selected_action": [failed.pk]}
    support = _web("sue", SUPPORT)
    listed = support.get(SWEEPS).content.decode()
    assert 'value="retry"' not in listed and 'value="look_again"' not in listed
    assert support.post(SWEEPS, {**chosen, "apply": "1", "reason": "x"}).status_code == 200
    assert not SweepAddress.objects.get(address=failed.source_address).due
    web = _web("tina", TREASURY)
    assert 'value="retry"' in web.get(SWEEPS).content.decode()

    asked = web.post(SWEEPS, chosen)
    assert "Retry: why?" in asked.content.decode()
    done = web.post(SWEEPS, {**chosen, "apply": "1", "reason": "energy wallet refilled"})
    refused = web.post(
        SWEEPS,
        {"action": "retry", "_selected_action": [excess.pk], "apply": "1", "reason": "again"},
        follow=True,
    )

    assert done.status_code == 302
    address = SweepAddress.objects.get(address=failed.source_address)
    assert address.due and address.due_since is not None
    audit = AuditEvent.objects.get(action="sweep.retry")
    assert (audit.actor_label, audit.data["reason"]) == ("tina", "energy wallet refilled")
    assert "nothing to retry" in refused.content.decode()
    failed.refresh_from_db()
    assert failed.status == SweepStatus.FAILED  # the record of what was tried stays


def test_a_sweep_links_its_invoice_address_transactions_and_costs() -> None:
    client = client_create(name="acme")
    done = completed_sweep(client, at=timezone.now(), txid=TXID)

    page = _web("sue", SUPPORT).get(f"{SWEEPS}{done.pk}/change/").content.decode()

    assert f"/admin/sweeps/sweepaddress/?q={done.source_address}" in page
    assert f"/admin/wallets/transactionfee/?q={TXID}" in page
    assert f"/admin/tron/outgoingtransaction/?q={TXID}" in page
    assert f"/admin/events/event/?q={done.public_id}" in page
    assert 'data-status="completed"' in page
    listed = _web("sam", SUPPORT).get("/admin/sweeps/sweepaddress/").content.decode()
    assert f"/admin/sweeps/sweep/?q={done.source_address}" in listed


def test_a_payouts_links_lead_to_its_transaction_attempts_cost_events_and_audit() -> None:
    client = client_create(name="acme")
    sent = payout(client, status=PayoutStatus.CONFIRMED, txid=TXID, outgoing_id=None)
    web = _web("root", superuser=True)

    links = re.findall(r'href="([^"]+)"', str(payout_related(sent)).replace("&amp;", "&"))

    assert len(links) == 5 and any(TXID in link for link in links)
    for link in links:
        assert web.get(link).status_code == 200, link
    assert payout_outgoing_link(sent) == "—"
    assert 'data-status="confirmed"' in payout_status_badge(sent)
    assert payout_amount(sent) == "7.25 USDT"
