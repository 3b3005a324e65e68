"""The hosted checkout page and its public status endpoint, over Django's test client:
what they show, what they never show, the policy they run under, and the rate limit."""

from __future__ import annotations

import re

import pytest
from django.test import Client as WebClient

from gateway.invoices.models import InvoiceSettings
from gateway.invoices.qr import QR_MASK, qr_svg
from tests.gateway_invoices.conftest import SettableClock, Tenant
from wallets.tokens import usdt_contract

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.payment_gateway")]


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (d.split() for d in policy.split(";") if d.strip())}


def test_the_page_shows_amount_asset_address_qr_and_countdown(tenant: Tenant) -> None:
    invoice = tenant.invoice(
        amount="12.5", description="Order 7", metadata={"secret": "merchant-only-note"}
    )
    response = WebClient().get(f"/pay/{invoice['id']}")

    assert response.status_code == 200
    page = response.content.decode()
    assert "USDT on TRON (TRC-20)" in page
    assert invoice["address"] in page
    assert 'value="12.5"' in page
    assert "<svg" in page and "QR code of the payment address" in page
    # 15 minutes from creation, less however long the request took on a busy machine.
    assert 'id="countdown"' in page and re.search(r">1[45]:[0-5][0-9]<", page), page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "merchant-only-note" not in page  # metadata is the merchant's, not the customer's
    assert response["Cache-Control"] == "no-store"


def test_the_page_runs_only_its_own_nonced_script_and_style(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="1")
    response = WebClient().get(f"/pay/{invoice['id']}")
    policy = _directives(response["Content-Security-Policy"])
    page = response.content.decode()
    nonces = set(re.findall(r'<(?:script|style) nonce="([^"]+)"', page))

    assert len(nonces) == 1
    nonce = nonces.pop()
    assert f"'nonce-{nonce}'" in policy["script-src"]
    assert f"'nonce-{nonce}'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert page.count("<script") == 1 and page.count("<style") == 1
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another origin
    assert " style=" not in page


def test_the_qr_code_is_the_bare_address_unless_the_client_asks_for_a_uri(
    tenant: Tenant,
) -> None:
    import segno

    invoice = tenant.invoice(amount="2")
    bare = WebClient().get(f"/pay/{invoice['id']}").content.decode()
    expected = segno.make(invoice["address"], error="m", mask=QR_MASK).svg_inline(
        scale=5, lineclass=None
    )
    path_of = re.compile(r' d="([^"]+)"')
    assert path_of.search(bare)[1] == path_of.search(expected)[1]  # type: ignore[index]

    InvoiceSettings.objects.create(client=tenant.client, qr_uri_form=True)
    with_uri = tenant.invoice(amount="2")
    uri = WebClient().get(f"/pay/{with_uri['id']}").content.decode()
    expected = segno.make(
        f"tron:{with_uri['address']}?amount=2&token={usdt_contract()}", error="m", mask=QR_MASK
    ).svg_inline(scale=5, lineclass=None)
    assert path_of.search(uri)[1] == path_of.search(expected)[1]  # type: ignore[index]


def test_the_fixed_mask_keeps_the_size_and_error_correction_segno_would_choose() -> None:
    import segno

    address = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
    uri = f"tron:{address}?amount=12.5&token={usdt_contract()}"
    for payload in (address, uri):
        chosen, fixed = segno.make(payload, error="m"), segno.make(payload, error="m", mask=QR_MASK)
        assert fixed.designator == chosen.designator  # same version, same error level
        assert fixed.mask == QR_MASK and fixed.symbol_size() == chosen.symbol_size()
        assert 'class="qr"' in qr_svg(payload) and fixed.svg_inline(scale=5) != ""


def test_the_status_endpoint_tells_what_the_page_shows_and_no_more(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="3", order_id="secret-order", metadata={"k": "v"})
    response = WebClient().get(f"/pay/{invoice['id']}/status")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "new" and body["due"] == "3" and body["asset"] == "USDT"
    assert body["address"] == invoice["address"]
    assert set(body) == {
        "id", "status", "headline", "detail", "asset", "asset_label", "amount", "due",
        "paid", "address", "expires_at", "seconds_left", "payments", "redirect_url", "settled",
    }  # fmt: skip
    assert "secret-order" not in response.content.decode()
    assert _directives(response["Content-Security-Policy"])["default-src"] == ["'none'"]


def test_an_unknown_invoice_is_a_404_on_both(db: None) -> None:
    web = WebClient()
    assert web.get("/pay/inv_doesnotexist0000000000").status_code == 404
    missing = web.get("/pay/inv_doesnotexist0000000000/status")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "invoice_not_found"


def test_the_status_endpoint_is_rate_limited_per_address_and_invoice(
    tenant: Tenant, settings: pytest.FixtureRequest
) -> None:
    settings.CHECKOUT_STATUS_RATE = "3/min"  # type: ignore[attr-defined]
    invoice = tenant.invoice(amount="3")
    other = tenant.invoice(amount="3")
    web = WebClient()
    codes = [web.get(f"/pay/{invoice['id']}/status").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = web.get(f"/pay/{invoice['id']}/status")
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 0
    assert web.get(f"/pay/{other['id']}/status").status_code == 200


def test_an_expired_invoice_says_so_and_hides_the_address(
    tenant: Tenant, clock: SettableClock
) -> None:
    from gateway.invoices.services import invoice_expire_due

    invoice = tenant.invoice(amount="3", expires_in=60)
    clock.advance(61)
    invoice_expire_due()
    page = WebClient().get(f"/pay/{invoice['id']}").content.decode()
    assert "This invoice has expired" in page
    assert re.search(r'<section id="pay-section"[^>]* hidden>', page)


def test_only_get_is_allowed(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="3")
    assert WebClient().post(f"/pay/{invoice['id']}").status_code == 405
