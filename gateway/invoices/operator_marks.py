"""An operator marks an invoice paid or invalid by hand, with a reason (BTCPay's "mark
as settled / invalid"): the customer paid outside the watched address, or a payment is
known to be fraudulent.

A mark changes the invoice's status for good (exception ``marked``: later payments are
credited and listed but no longer change it), publishes its event (``invoice.paid`` or
``invoice.invalid``) and audits who, when and why. It never moves ledger money: what
reached the invoice's address was credited when final and stays so; money the chain
never brought is not invented.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from gateway.invoices.models import Invoice, InvoiceException, InvoiceStatus
from gateway.invoices.services import invoice_transition
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, InvalidInput

# From which statuses each mark is allowed. A new invoice is cancelled, not marked; a
# cancelled one is history.
MARKABLE_FROM: dict[str, tuple[str, ...]] = {
    InvoiceStatus.PAID: (InvoiceStatus.PROCESSING, InvoiceStatus.EXPIRED, InvoiceStatus.INVALID),
    InvoiceStatus.INVALID: (InvoiceStatus.PROCESSING, InvoiceStatus.EXPIRED, InvoiceStatus.PAID),
}


@transaction.atomic
def invoice_mark(*, invoice_id: int, status: str, reason: str, actor: AuditActor) -> Invoice:
    """Mark the invoice ``status`` (paid or invalid); ``reason`` is required."""
    if status not in MARKABLE_FROM:
        raise InvalidInput("An invoice can be marked paid or invalid only.", code="invalid_mark")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why.", code="reason_required", fields={"reason": ["Required."]})
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    previous = invoice.status
    if previous not in MARKABLE_FROM[status]:
        raise Conflict(
            f"Invoice {invoice.public_id} is {previous}: it cannot be marked {status}.",
            code="invoice_not_markable",
        )
    invoice_transition(
        invoice,
        status=status,
        exception=InvoiceException.MARKED,
        actor=actor,
        occurrence=f"marked:{uuid.uuid4().hex}",  # a mark can be undone and done again
    )
    audit_log(
        actor=actor,
        action=f"invoice.marked_{status}",
        target=invoice,
        client_id=invoice.client_id,
        data={"from": previous, "reason": reason},
    )
    return invoice
