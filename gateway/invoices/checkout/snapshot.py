"""What the checkout page and its status endpoint read: an invoice and its payments in
one query.

They are public and polled every few seconds, so they read exactly the columns they show,
in one round trip (the ORM's two queries and their compilation were most of the page's
time over the bare stack; see bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from gateway.invoices.models import Invoice, InvoicePayment
from lucid_payments.core.errors import NotFound
from wallets.models.wallets import WalletAddress


@dataclass(frozen=True)
class CheckoutPayment:
    txid: str
    amount: int
    status: str
    after_monitoring: bool


@dataclass(frozen=True)
class CheckoutInvoice:
    public_id: str
    status: str
    exception: str
    asset: str
    amount: int | None
    paid_amount: int
    address: str
    expires_at: datetime
    redirect_url: str
    qr_svg: str
    payments: list[CheckoutPayment]


def _sql() -> str:
    table = connection.ops.quote_name
    return (
        "SELECT i.public_id, i.status, i.exception, i.asset, i.amount, i.paid_amount, "  # noqa: S608 - our identifiers only
        "a.address, i.expires_at, i.redirect_url, i.qr_svg, "
        "COALESCE((SELECT json_agg(json_build_array(p.txid, p.amount, p.status, "
        "p.after_monitoring) ORDER BY p.seen_at, p.id) "
        f"FROM {table(InvoicePayment._meta.db_table)} p WHERE p.invoice_id = i.id), '[]') "
        f"FROM {table(Invoice._meta.db_table)} i "
        f"JOIN {table(WalletAddress._meta.db_table)} a ON a.id = i.address_id "
        "WHERE i.public_id = %s"
    )


def checkout_invoice(invoice_id: str) -> CheckoutInvoice:
    """The invoice whose public id is ``invoice_id`` (the page's only key), or NotFound."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [invoice_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("No such invoice.", code="invoice_not_found")
    public_id, status, exception, asset, amount, paid, address, expires, redirect, qr, paid_by = row
    return CheckoutInvoice(
        public_id=public_id,
        status=status,
        exception=exception,
        asset=asset,
        amount=amount,
        paid_amount=paid,
        address=address,
        expires_at=expires,
        redirect_url=redirect,
        qr_svg=qr,
        payments=[CheckoutPayment(str(t), int(a), str(s), bool(m)) for t, a, s, m in paid_by],
    )
