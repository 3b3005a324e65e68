"""The checkout page's QR code: what it encodes and its inline SVG."""

from __future__ import annotations

import segno
from django.utils.translation import gettext as _

from gateway.invoices.models import Invoice, InvoiceSettings
from lucid_payments.core.money import Asset, format_amount
from wallets.tokens import usdt_contract


def qr_payload(invoice: Invoice, rules: InvoiceSettings) -> str:
    """The bare address (TronLink's scanner refuses ``tron:`` URIs), or a URI with the
    amount for a client that asked for that form."""
    address = invoice.address.address
    if not rules.qr_uri_form:
        return address
    query = []
    if invoice.amount is not None:
        query.append(f"amount={format_amount(invoice.amount, invoice.asset)}")
    if invoice.asset == Asset.USDT:
        query.append(f"token={usdt_contract(invoice.network)}")
    return f"tron:{address}" + (f"?{'&'.join(query)}" if query else "")


def qr_svg(payload: str) -> str:
    """An inline SVG (no image request, nothing from another origin)."""
    return str(
        segno.make(payload, error="m").svg_inline(
            scale=5, title=_("QR code of the payment address"), svgclass="qr", lineclass=None
        )
    )
