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


# Choosing the mask means drawing the code with all eight and scoring each (ISO/IEC 18004
# 7.8.3): most of the time of an invoice creation once the address was cheap. Any of the
# eight makes a valid code that every reader decodes (the mask is in the format
# information); 4 is the one segno itself picks most often for a bare TRON address.
QR_MASK = 4


def qr_svg(payload: str) -> str:
    """An inline SVG (no image request, nothing from another origin), medium error
    correction, the fixed mask."""
    return str(
        segno.make(payload, error="m", mask=QR_MASK).svg_inline(
            scale=5, title=_("QR code of the payment address"), svgclass="qr", lineclass=None
        )
    )
