"""The events invoices and refunds publish, each with the object as the API shows it."""

from __future__ import annotations

from typing import Any

from gateway.invoices.api.serializers import (
    InvoiceOutput,
    RefundOutput,
    invoice_output,
    refund_output,
)
from gateway.invoices.models import Invoice, Refund
from gateway.invoices.selectors import invoice_view
from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register

INVOICE_TYPES = (
    EventType(
        "invoice.created",
        "An invoice was created; its address is watched from now on.",
        InvoiceOutput,
    ),
    EventType(
        "invoice.processing",
        "A payment to the invoice's address is in a block, not final yet (nothing is "
        "credited before it is final).",
        InvoiceOutput,
    ),
    EventType(
        "invoice.paid",
        "The invoice is paid: its final payments (or, under the seen speed policy, the ones "
        "in a block) reach the amount less your tolerance. Also sent for a late payment, "
        "then with exception paid_late.",
        InvoiceOutput,
    ),
    EventType(
        "invoice.paid_late",
        "The invoice was paid after it expired, inside the monitoring window (sent with "
        "invoice.paid).",
        InvoiceOutput,
    ),
    EventType(
        "invoice.expired",
        "The invoice expired unpaid; exception underpaid when some, not enough, arrived.",
        InvoiceOutput,
    ),
    EventType(
        "invoice.invalid",
        "Every payment seen on the invoice left the chain with its block (a fork); none "
        "was ever credited.",
        InvoiceOutput,
    ),
    EventType("invoice.cancelled", "You cancelled the invoice before any payment.", InvoiceOutput),
)
REFUND_TYPES = (
    EventType(
        "refund.created",
        "A refund was accepted; its amount is held on your balance.",
        RefundOutput,
    ),
    EventType("refund.sent", "The refund's transaction was broadcast.", RefundOutput),
    EventType(
        "refund.confirmed",
        "The refund is final on chain; the held amount is settled (it left your balance).",
        RefundOutput,
    ),
    EventType(
        "refund.failed",
        "The refund failed; the held amount is available again.",
        RefundOutput,
    ),
)


def register_invoice_event_types() -> None:
    event_type_register(*INVOICE_TYPES, *REFUND_TYPES)


def invoice_event_publish(
    *, invoice: Invoice, what: str, occurrence: str = "", data: dict[str, Any] | None = None
) -> None:
    """``invoice.<what>`` with the invoice as the API shows it now (``data``, when the
    caller has built it already). ``occurrence`` tells apart events that can happen again
    (processing after a fork re-included a payment): the same occurrence is published
    once."""
    event_publish(
        type=f"invoice.{what}",
        client_id=invoice.client_id,
        object_id=invoice.public_id,
        data=data if data is not None else invoice_output(invoice_view(invoice)),
        key=f"invoice.{what}:{invoice.public_id}:{occurrence}",
    )


def refund_event_publish(*, refund: Refund, what: str) -> None:
    event_publish(
        type=f"refund.{what}",
        client_id=refund.client_id,
        object_id=refund.public_id,
        data=refund_output(refund),
        key=f"refund.{what}:{refund.public_id}",
    )
