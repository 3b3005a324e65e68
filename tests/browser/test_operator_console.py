"""The operator console in a real headless Chromium against a live admin server and the
devnet: a support operator sees the dashboard, whose custody figures are the API's
balances and reconcile's output of the same moment, and can approve or mark nothing.

Screenshots of the dashboard and of the payout, invoice and chain-transfer lists, at
1280 px, are written to ``var/screenshots/`` of the checkout on every run (ignored by git),
or to ``LUCID_SCREENSHOTS_DIR`` when it is set, for a reviewer to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from gateway.invoices.models import Invoice, InvoiceStatus
from gateway.invoices.services import invoice_create
from lucid_payments.accounts.models import Customer, KycApplication
from lucid_payments.console.node_readings import node_reading_take
from lucid_payments.console.roles import SUPPORT
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from tests.browser.conftest import log_in
from tests.console import payouts_sweeps_rows as rows
from tests.console.conftest import make_staff
from tests.gateway_invoices.conftest import final, pay, seen
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet, run_reconcile
from tests.wallets.conftest import devnet, test_master_key, wallets_api  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.devnet]
SCREENSHOTS = ("dashboard", "payouts", "invoices", "chain-transfers")
DEFAULT_SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _screenshot(page: Any, name: str, tmp_path: Path, *, element: str = "#content") -> None:
    target = tmp_path / f"{name}.png"
    page.locator(element).screenshot(path=str(target))
    assert target.stat().st_size > 10_000  # something was drawn
    folder = Path(os.environ.get("LUCID_SCREENSHOTS_DIR") or DEFAULT_SCREENSHOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, folder / target.name)


def _on_chain_in_reconcile(output: str, asset: str) -> str:
    found = re.search(rf"^{asset}: on chain (\S+ {asset}) at", output, re.MULTILINE)
    assert found is not None, output
    return found.group(1)


def test_support_sees_the_dashboard_agree_with_the_api_and_reconcile_but_cannot_act(
    browser: Any,
    live_server: Any,
    devnet: DevnetHandle,  # noqa: F811
    wallets_api: tuple[Any, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    tenant, api = wallets_api
    funded_hot_wallet(devnet, api, tenant.pk, trx=7_250_000, usdt=25_000_000)
    actor = AuditActor.system("test")
    paid = invoice_create(client=tenant, asset=Asset.USDT, amount=10_000_000, actor=actor).invoice
    waiting = invoice_create(client=tenant, asset=Asset.TRX, amount=3_000_000, actor=actor).invoice
    pay(devnet, paid.address.address, usdt=10_000_000)
    final(devnet)
    pay(devnet, waiting.address.address, trx=1_000_000)  # underpaid, seen, not final yet
    seen(devnet)
    assert Invoice.objects.get(pk=paid.pk).status == InvoiceStatus.PAID
    customer = Customer.objects.create(client=tenant, external_ref="c-1")
    application = KycApplication.objects.create(
        customer=customer,
        level="basic",
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth="1990-12-10",
        country="GB",
        document_type="passport",
        document_number="P1",
    )

    # Waiting for a human: a payout to approve, a failed sweep (rows only: no money moves).
    rows.payout(tenant, status=rows.PayoutStatus.AWAITING_APPROVAL, approvals_required=1)
    rows.sweep(tenant, status=rows.SweepStatus.FAILED, failure_code="OUT_OF_ENERGY")

    # The same moment: the node read, reconcile run (and recorded), the API asked.
    node_reading_take()
    reconciled = run_reconcile()
    balances = {
        b["asset"]: b for b in api.get("/api/v1/balances").json()["balances"]
    }  # the tenant is the only owner of custody here: nothing held, no customers' money

    page = log_in(browser, live_server.url, make_staff("sue", SUPPORT))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/")
    for asset in ("TRX", "USDT"):
        row = page.locator(f"#custody-table tr[data-asset='{asset}']")
        api_amount = balances[asset]["available"]
        assert balances[asset]["held"]["amount"] == "0"
        expected = f"{api_amount['amount']} {asset}"
        assert row.locator(".ledger-custody").inner_text() == expected
        assert row.locator(".ledger-now").inner_text() == expected
        assert row.locator(".on-chain").inner_text() == _on_chain_in_reconcile(
            reconciled.output, asset
        )
    # The USDT invoice's payment is final and credited; the TRX one is seen, not final,
    # so the chain holds 1 TRX more than the ledger explains... until reconcile's rule:
    assert reconciled.returncode == 0, reconciled.output + reconciled.error
    assert page.inner_text("#custody-verdict") == "Agree"
    for item in ("kyc_pending", "payouts_awaiting_approval", "sweeps_failed"):
        assert page.locator(f"#attention-table tr[data-item='{item}'] .count").inner_text() == "1"
    assert page.locator("#chart-payouts_sent svg").count() == 1
    assert page.inner_text("#chain-cursor") != "never ran"
    assert page.locator("#wallets-table tr").count() >= 1
    assert page.locator("#console-exports-link").count() == 0  # support does not export
    _screenshot(page, "dashboard", tmp_path, element="#console-dashboard")

    # Support cannot approve: no button, and the approve page itself is refused.
    page.goto(f"/admin/accounts/kycapplication/{application.pk}/change/")
    assert page.locator("#kyc-approve").count() == 0
    refused = page.goto(f"/admin/accounts/kycapplication/{application.pk}/approve/")
    assert refused is not None and refused.status == 403
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING

    # ... nor mark an invoice: the lists are there to read.
    page.goto("/admin/invoices/invoice/")
    assert page.locator(f"text={paid.public_id}").count() == 1
    assert page.locator("select[name='action']").count() == 0
    assert page.locator(".badge[data-status='paid']").count() == 1
    _screenshot(page, "invoices", tmp_path)

    # ... nor retry a sweep: the failed one is listed, with no action to take on it.
    page.goto("/admin/")
    page.click("#attention-table tr[data-item='sweeps_failed'] a")
    assert page.locator(".badge[data-status='failed']").count() == 1
    assert page.locator("select[name='action']").count() == 0

    page.goto("/admin/payouts/payout/")
    assert page.locator(".badge[data-status='awaiting_approval']").count() == 1
    assert page.locator("select[name='action']").count() == 0
    _screenshot(page, "payouts", tmp_path)

    page.goto("/admin/tron/chaintransfer/")
    assert page.locator("text=10 USDT").count() >= 1
    _screenshot(page, "chain-transfers", tmp_path)
