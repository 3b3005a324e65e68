"""End to end on the devnet in a real headless Chromium: an invoice is created, its
checkout page shows the address, amount and QR code, a tronpy payment from a genesis
account arrives, and the page turns to processing and then paid without a reload; a
signed ``invoice.paid`` webhook reaches the client's receiver and verifies with
standardwebhooks, with the invoice as the API shows it; the client's balance grew by
exactly the amount. The page passes axe-core's accessibility rules, fits a 360 px wide
phone, and works with JavaScript off. Last, the address is swept to the client's hot
wallet (the client's fee wallet pays the TRX the sweep burns) with its costs recorded on
the sweep and the invoice, and the books still agree with the chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import standardwebhooks
import tronpy
from tronpy.keys import PrivateKey
from tronpy.providers import HTTPProvider

from gateway.invoices.api.serializers import InvoiceOutput
from gateway.invoices.models import Invoice
from gateway.sweeps.models import Sweep, SweepStatus
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from lucid_payments.tron.adapter import trc20
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.browser.test_kyc_approve_flow import browser  # noqa: F401 - the Chromium fixture
from tests.gateway.conftest import LOOPBACK, endpoint_for
from tests.gateway.receiver import Receiver, running_receiver
from tests.gateway_invoices.conftest import Tenant, keyed_tenant
from tests.gateway_sweeps.conftest import (
    SUN,
    books_agree,
    run_pass,
    sweep_through,
    until_final,
    wallet,
)
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from usdt.models import TrxTopUp
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.tokens import usdt_contract

pytestmark = [
    pytest.mark.browser,
    pytest.mark.devnet,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("lucid_payments.urls.payment_gateway"),
]

AMOUNT_UNITS = 25_500_000  # 25.5 USDT
PHONE = {"width": 360, "height": 740}


def _usdt_available(tenant: Tenant) -> int:
    balances = owner_balances(owner=LedgerOwner.client(tenant.client.pk))
    return next((b.available for b in balances if b.asset == Asset.USDT), 0)


def _pay_with_tronpy(devnet: DevnetHandle, to: str, amount: int) -> str:
    client = tronpy.Tron(provider=HTTPProvider(devnet.url, timeout=10))
    payer = devnet.accounts[0]  # the genesis account that holds the token's supply
    token = client.get_contract(devnet.token_address)
    receipt = (
        token.functions.transfer(to, amount)
        .with_owner(payer.address)
        .fee_limit(50_000_000)
        .build()
        .sign(PrivateKey(bytes.fromhex(payer.private_key)))
        .broadcast()
    )
    return str(receipt.txid)


def _page(browser: Any, base_url: str, **options: Any) -> tuple[Any, list[str]]:  # noqa: F811
    context = browser.new_context(base_url=base_url, viewport=PHONE, **options)
    context.set_default_timeout(20_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def test_a_customer_pays_on_the_checkout_page_and_it_turns_paid_without_a_reload(
    browser: Any,  # noqa: F811
    live_server: Any,
    devnet: DevnetHandle,
    receiver: Receiver,
    settings: Any,
) -> None:
    settings.WEBHOOK_ALLOWED_CIDRS = LOOPBACK  # the receiver listens on 127.0.0.1
    settings.WEBHOOK_ALLOW_HTTP = True
    tenant = keyed_tenant()
    endpoint = endpoint_for(tenant.client, receiver.url, events=["invoice.paid"])
    hot = wallet(tenant, "hot")
    wallet(tenant, "fee", funded_by=devnet, trx=100 * SUN)
    invoice = tenant.invoice(amount="25.5")
    before = _usdt_available(tenant)
    page, console = _page(browser, live_server.url)

    page.goto(f"/pay/{invoice['id']}")
    assert page.locator("#address-field").input_value() == invoice["address"]
    assert page.locator("#amount-field").input_value() == "25.5"
    assert "USDT on TRON (TRC-20)" in page.inner_text("main")
    assert page.locator("figure svg.qr").is_visible()
    # Fits a 360 px phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    txid = _pay_with_tronpy(devnet, invoice["address"], AMOUNT_UNITS)
    devnet.mine()
    scan_once(BlockScanner())
    page.wait_for_selector("#headline:text('Processing')")

    devnet.mine(SOLID_LAG)
    scan_once(BlockScanner())
    page.wait_for_selector("#headline:text('Paid')")
    assert page.evaluate("window.__sameDocument") is True
    assert txid in page.inner_text("#receipt")
    assert page.locator("#pay-section").is_hidden()

    assert _usdt_available(tenant) - before == AMOUNT_UNITS
    event = Event.objects.get(type="invoice.paid", object_id=invoice["id"])
    assert event.client_id == tenant.client.pk
    assert set(event.data) == set(InvoiceOutput().fields)
    assert event.data["status"] == "paid"
    assert event.data["paid_amount"] == {"amount": "25.5", "asset": "USDT"}
    assert [p["txid"] for p in event.data["payments"]] == [txid]
    assert not [line for line in console if "Content Security Policy" in line]

    # The webhook: delivered when the scanner's transaction committed (tasks run inline in
    # tests), signed, and verifiable with the Standard Webhooks library.
    [delivery] = receiver.received
    payload = standardwebhooks.Webhook(endpoint.secret).verify(delivery.body, delivery.headers)
    assert delivery.headers["webhook-id"] == event.public_id
    assert payload["type"] == "invoice.paid"
    assert payload["data"] == event.data

    _swept_with_its_costs(devnet, invoice, hot_address=hot["address"])


def _swept_with_its_costs(
    devnet: DevnetHandle, invoice: dict[str, Any], *, hot_address: str
) -> None:
    """The paid address is swept to the hot wallet with its costs recorded."""
    assert run_pass().started == 1
    sweep = Sweep.objects.get(source_address=invoice["address"])
    topup = TrxTopUp.objects.get(purpose=sweep.reference)  # no energy wallet: TRX to burn
    assert topup.outgoing_id is not None
    until_final(devnet, topup.outgoing_id)
    sweep_through(devnet, sweep)
    run_pass()
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.COMPLETED and sweep.cost_total_sun > 0
    node = get_node()
    assert trc20.balance_of(node, contract=usdt_contract(), holder=hot_address) == AMOUNT_UNITS
    paid = Invoice.objects.get(public_id=invoice["id"])
    assert paid.cost_total_sun == sweep.cost_total_sun
    assert Event.objects.filter(type="sweep.completed", object_id=sweep.public_id).exists()
    books_agree()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def test_the_page_passes_the_accessibility_rules_and_keyboard_order(
    browser: Any,  # noqa: F811
    live_server: Any,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tenant = keyed_tenant()
    invoice = tenant.invoice(amount="10")
    page, console = _page(browser, live_server.url)
    page.goto(f"/pay/{invoice['id']}")

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # Focus follows the reading order: the amount, its copy button, the address, its copy.
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate("document.activeElement.id || document.activeElement.dataset.target")
        )
    assert order == ["amount-field", "amount-field", "address-field", "address-field"]
    assert not [line for line in console if "Content Security Policy" in line]


def test_without_javascript_the_page_shows_everything_and_refreshes_itself(
    browser: Any,  # noqa: F811
    live_server: Any,
) -> None:
    tenant = keyed_tenant()
    invoice = tenant.invoice(amount="10")
    page, _ = _page(browser, live_server.url, java_script_enabled=False)
    page.goto(f"/pay/{invoice['id']}")
    assert page.locator("#address-field").input_value() == invoice["address"]
    assert page.locator("#headline").inner_text() == "Awaiting payment"
    assert page.locator("button.copy").count() == 2
    assert page.locator("button.copy:visible").count() == 0  # copy needs JavaScript
