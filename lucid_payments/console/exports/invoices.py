"""Invoices created in the range, with what was paid and what collecting them cost."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gateway.invoices.models import Invoice
from lucid_payments.console.exports import Export, ExportRange
from lucid_payments.core.money import format_amount


def _queryset(span: ExportRange) -> QuerySet[Any]:
    rows = Invoice.objects.filter(created_at__gte=span.start, created_at__lt=span.end)
    if span.client_id is not None:
        rows = rows.filter(client_id=span.client_id)
    return rows.select_related("client", "address").order_by("created_at", "id")


def _row(invoice: Invoice) -> list[object]:
    return [
        invoice.public_id,
        invoice.created_at.isoformat(),
        invoice.client_id,
        invoice.client.name,
        invoice.order_id,
        invoice.status,
        invoice.exception,
        invoice.asset,
        "" if invoice.amount is None else format_amount(invoice.amount, invoice.asset),
        format_amount(invoice.paid_amount, invoice.asset),
        invoice.paid_at.isoformat() if invoice.paid_at else "",
        invoice.address.address if invoice.address is not None else "",
        format_amount(invoice.cost_total_sun, "TRX"),
    ]


EXPORT = Export(
    name="invoices",
    title="Invoices",
    header=(
        "invoice_id",
        "created_at",
        "client_id",
        "client",
        "order_id",
        "status",
        "exception",
        "asset",
        "amount",
        "paid_amount",
        "paid_at",
        "address",
        "cost_trx",
    ),
    queryset=_queryset,
    row=_row,
)
