"""What the checkout page shows of an invoice, and nothing more: the page and its public
status endpoint both render this, so the endpoint can reveal nothing the page does not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from gateway.invoices import clock
from gateway.invoices.checkout.snapshot import CheckoutInvoice
from gateway.invoices.models import InvoiceException, InvoiceStatus, PaymentStatus
from lucid_payments.core.money import Asset, format_amount

# Statuses after which nothing changes for the customer (expired still can: a late payment).
SETTLED = (InvoiceStatus.PAID, InvoiceStatus.INVALID, InvoiceStatus.CANCELLED)


def asset_label(asset: Asset) -> str:
    if asset == Asset.USDT:
        return _("USDT on TRON (TRC-20)")
    return _("TRX on TRON")


def _seconds_left(expires_at: datetime) -> int:
    return max(int((expires_at - clock.now()).total_seconds()), 0)


def _messages(
    invoice: CheckoutInvoice, status: str, live_total: int, due: int | None
) -> tuple[str, str]:
    asset = Asset(invoice.asset)
    if status == InvoiceStatus.PAID:
        return _("Paid"), _("Thank you: your payment is complete.")
    if status == InvoiceStatus.EXPIRED:
        if invoice.exception == InvoiceException.UNDERPAID:
            return _("Expired"), _(
                "This invoice expired before the full amount arrived. What you sent "
                "is with the merchant; contact them."
            )
        return _("Expired"), _("This invoice has expired. Do not send a payment to it.")
    if status == InvoiceStatus.INVALID:
        return _("Payment reversed"), _(
            "The payment left the blockchain with its block. Contact the merchant."
        )
    if status == InvoiceStatus.CANCELLED:
        return _("Cancelled"), _("The merchant cancelled this invoice. Do not pay it.")
    if due is not None and live_total > 0 and due > 0:
        more = f"{format_amount(due, asset)} {asset.value}"
        return _("Partly paid"), _("Send %(amount)s more to complete the payment.") % {
            "amount": more
        }
    if status == InvoiceStatus.PROCESSING:
        return _("Processing"), _("Payment detected; waiting for the network to confirm it.")
    return _("Awaiting payment"), _("Send the amount below to the address below.")


def checkout_state(invoice: CheckoutInvoice) -> dict[str, Any]:
    """The page's data, as the status endpoint returns it (JSON-ready)."""
    asset = Asset(invoice.asset)
    payments = invoice.payments
    live_total = sum(
        p.amount for p in payments if p.status != PaymentStatus.DROPPED and not p.after_monitoring
    )
    due = None if invoice.amount is None else max(invoice.amount - live_total, 0)
    seconds_left = _seconds_left(invoice.expires_at)
    # The periodic task expires invoices once a minute; the customer sees it at once.
    status = invoice.status
    if status == InvoiceStatus.NEW and seconds_left == 0:
        status = InvoiceStatus.EXPIRED
    headline, detail = _messages(invoice, status, live_total, due)
    return {
        "id": invoice.public_id,
        "status": status,
        "headline": headline,
        "detail": detail,
        "asset": asset.value,
        "asset_label": asset_label(asset),
        "amount": None if invoice.amount is None else format_amount(invoice.amount, asset),
        "due": None if due is None else format_amount(due, asset),
        "paid": format_amount(invoice.paid_amount, asset),
        "address": invoice.address,
        "expires_at": invoice.expires_at.isoformat(),
        "seconds_left": seconds_left,
        "payments": [
            {"txid": p.txid, "amount": format_amount(p.amount, asset), "status": p.status}
            for p in payments
            if p.status != PaymentStatus.DROPPED
        ],
        "redirect_url": invoice.redirect_url if status == InvoiceStatus.PAID else "",
        "settled": status in SETTLED,
    }
