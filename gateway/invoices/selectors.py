"""Reads of invoices and refunds, always scoped to the caller's client (another client's
id is a 404 exactly like one that does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from gateway.invoices.models import Invoice, InvoicePayment, PaymentStatus, Refund, RefundStatus
from lucid_payments.core.errors import NotFound
from lucid_payments.core.paging import Page, Window
from lucid_payments.tron.selectors import scan_cursor_block


@dataclass(frozen=True)
class InvoiceView:
    """An invoice with what its API object needs besides its own row."""

    invoice: Invoice
    payments: list[InvoicePayment]
    refunded: int  # refunds not failed, units of the invoice's asset
    head_block: int  # the scanner's last block, for confirmations

    @property
    def public_id(self) -> str:
        return self.invoice.public_id

    @property
    def live_total(self) -> int:
        return sum(
            p.amount
            for p in self.payments
            if p.status != PaymentStatus.DROPPED and not p.after_monitoring
        )


def _not_found() -> NotFound:
    return NotFound("No such invoice.", code="invoice_not_found")


def invoice_get(*, client_id: int, invoice_id: str) -> Invoice:
    invoice = (
        Invoice.objects.select_related("address")
        .filter(client_id=client_id, public_id=invoice_id)
        .first()
    )
    if invoice is None:
        raise _not_found()
    return invoice


def _refunds_counted() -> QuerySet[Refund]:
    """Refunds that take from what the invoice kept: every one not failed."""
    return Refund.objects.exclude(status=RefundStatus.FAILED)


def refunded_total(invoice: Invoice) -> int:
    total = _refunds_counted().filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def invoices_with_refunded(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """``invoices`` each with ``refunded`` (what ``refunded_total`` answers) in the same
    query: a list of them asks once, not once per row."""
    per_invoice = (
        _refunds_counted()
        .filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return invoices.annotate(refunded=Coalesce(Subquery(per_invoice), 0))


def _head_block(network: str) -> int:
    return scan_cursor_block(network=network) or 0


def invoice_payments(invoice: Invoice) -> list[InvoicePayment]:
    return list(invoice.payments.order_by("seen_at", "id"))


def new_invoice_view(invoice: Invoice) -> InvoiceView:
    """The view of an invoice just created: no payments, refunds or confirmations to look
    up (three queries an invoice creation does not need)."""
    return InvoiceView(invoice=invoice, payments=[], refunded=0, head_block=0)


def invoice_view(invoice: Invoice) -> InvoiceView:
    return InvoiceView(
        invoice=invoice,
        payments=invoice_payments(invoice),
        refunded=refunded_total(invoice),
        head_block=_head_block(invoice.network),
    )


class InvoiceFilters(TypedDict, total=False):
    status: str
    exception: str
    order_id: str
    customer_id: int


def invoice_page(
    *, client_id: int, window: Window, **filters: Unpack[InvoiceFilters]
) -> Page[InvoiceView]:
    """Newest first; ``starting_after`` (an invoice id of this client) continues after it."""
    invoices = Invoice.objects.select_related("address").filter(client_id=client_id, **filters)
    page = window.page(invoices, lambda after: invoice_get(client_id=client_id, invoice_id=after))
    rows = page.items
    if not rows:
        return Page([], False)
    payments: dict[int, list[InvoicePayment]] = {row.pk: [] for row in rows}
    for payment in InvoicePayment.objects.filter(invoice_id__in=payments).order_by("seen_at", "id"):
        payments[payment.invoice_id].append(payment)
    refunded = dict(
        Refund.objects.filter(invoice_id__in=payments)
        .exclude(status=RefundStatus.FAILED)
        .values_list("invoice_id")
        .annotate(total=Sum("amount"))
    )
    head = _head_block(rows[0].network)
    views = [
        InvoiceView(row, payments[row.pk], int(refunded.get(row.pk) or 0), head) for row in rows
    ]
    return Page(views, page.has_more)


def refund_list(*, invoice: Invoice) -> list[Refund]:
    return list(invoice.refunds.select_related("invoice").order_by("id"))
