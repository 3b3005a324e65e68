"""Writes of invoices: create, cancel, expire, and the transition every change goes
through (lock, re-check, save, audit, event). ``gateway.invoices.state`` holds the rules;
``gateway.invoices.payments`` feeds the payments in from the scanner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from gateway.invoices import clock
from gateway.invoices.api.serializers import invoice_output
from gateway.invoices.events import invoice_event_publish
from gateway.invoices.models import (
    Invoice,
    InvoiceException,
    InvoiceSettings,
    InvoiceStatus,
    SpeedPolicy,
)
from gateway.invoices.qr import qr_payload, qr_svg
from gateway.invoices.selectors import new_invoice_view
from gateway.invoices.state import PaymentFacts, Totals, expiry_state, totals
from lucid_payments.accounts.models import Client, Customer
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from wallets.services import (
    client_deposit_wallet,
    wallet_address_create,
    wallet_index_allocate,
)

SYSTEM = AuditActor.system("invoices")
OPEN = (InvoiceStatus.NEW, InvoiceStatus.PROCESSING)


def invoice_settings_get(client_id: int) -> InvoiceSettings:
    """The client's settings; the defaults (unsaved) when it has none."""
    found = InvoiceSettings.objects.filter(client_id=client_id).first()
    return found or InvoiceSettings(client_id=client_id)


def _tolerance(amount: int | None, asset: Asset, rules: InvoiceSettings) -> int:
    """The underpayment tolerated: within the percentage or within the absolute amount,
    whichever is more generous."""
    if amount is None:
        return 0
    by_share = amount * rules.tolerance_bps // 10_000
    absolute = rules.tolerance_trx_sun if asset == Asset.TRX else rules.tolerance_usdt_units
    return max(by_share, absolute)


def _speed_policy(amount: int | None, asset: Asset, rules: InvoiceSettings) -> str:
    if rules.speed_policy != SpeedPolicy.SEEN or amount is None:
        return SpeedPolicy.FINAL
    ceiling = rules.seen_max_trx_sun if asset == Asset.TRX else rules.seen_max_usdt_units
    return SpeedPolicy.SEEN if amount <= ceiling else SpeedPolicy.FINAL


@dataclass(frozen=True)
class CreatedInvoice:
    invoice: Invoice
    # The invoice as the API shows it, built once: the created event's data and the answer.
    body: dict[str, Any]


def invoice_create(
    *,
    client: Client,
    asset: Asset,
    amount: int | None,
    actor: AuditActor,
    customer_id: int | None = None,
    order_id: str = "",
    description: str = "",
    metadata: dict[str, Any] | None = None,
    redirect_url: str = "",
    expires_in: int | None = None,
) -> CreatedInvoice:
    """A new invoice on a fresh address of the client's deposit wallet, derived and
    watched in the invoice's transaction (so the scanner cannot miss a payment to it).

    The address index is taken before that transaction, in a step of its own: concurrent
    creations then do not wait on the wallet row until each other's commit (a failed
    creation skips its index, which is harmless)."""
    customer = None
    if customer_id is not None:
        customer = Customer.objects.filter(client=client, pk=customer_id).first()
        if customer is None:
            raise InvalidInput(
                "No such customer.",
                code="customer_not_found",
                fields={"customer_id": ["Not one of your customers."]},
            )
    rules = invoice_settings_get(client.pk)
    wallet = client_deposit_wallet(client)
    index = wallet_index_allocate(wallet=wallet)
    with transaction.atomic():
        now = clock.now()
        expires_at = now + timedelta(seconds=expires_in or rules.default_expires_in)
        address = wallet_address_create(wallet=wallet, label="invoice", index=index)
        invoice = Invoice(
            client=client,
            network=str(settings.TRON_NETWORK),
            asset=asset,
            amount=amount,
            customer=customer,
            order_id=order_id,
            description=description,
            metadata=metadata or {},
            redirect_url=redirect_url,
            address=address,
            speed_policy=_speed_policy(amount, asset, rules),
            tolerance=_tolerance(amount, asset, rules),
            created_at=now,
            expires_at=expires_at,
            monitoring_until=expires_at + timedelta(seconds=rules.monitoring_window),
        )
        invoice.qr_svg = qr_svg(qr_payload(invoice, rules))
        invoice.save(force_insert=True)
        idempotency_effect(invoice)
        audit_log(actor=actor, action="invoice.created", target=invoice, client_id=client.pk)
        body = invoice_output(new_invoice_view(invoice))
        invoice_event_publish(invoice=invoice, what="created", data=body)
    return CreatedInvoice(invoice, body)


def invoice_transition(
    invoice: Invoice, *, status: str, exception: str, actor: AuditActor, occurrence: str = ""
) -> bool:
    """Save ``invoice`` (locked by the caller) in its new state with its audit row and
    event; False when nothing changed."""
    previous = invoice.status
    if (status, exception) == (previous, invoice.exception):
        return False
    invoice.status, invoice.exception = status, exception
    fields = ["status", "exception", "paid_amount"]
    if status == InvoiceStatus.PAID and previous != InvoiceStatus.PAID:
        invoice.paid_at = clock.now()
        fields.append("paid_at")
    invoice.save(update_fields=fields)
    audit_log(
        actor=actor,
        action=f"invoice.{status}",
        target=invoice,
        client_id=invoice.client_id,
        data={"from": previous, "exception": exception},
    )
    if status != previous:
        invoice_event_publish(invoice=invoice, what=status, occurrence=occurrence)
        if exception == InvoiceException.PAID_LATE and status == InvoiceStatus.PAID:
            invoice_event_publish(invoice=invoice, what="paid_late", occurrence=occurrence)
    return True


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, actor: AuditActor) -> Invoice:
    """Cancel an invoice no payment has reached yet."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != InvoiceStatus.NEW or locked.payments.exists():
        raise Conflict(
            f"Only a new invoice can be cancelled; this one is {locked.status}.",
            code="invoice_not_cancellable",
        )
    invoice_transition(
        locked, status=InvoiceStatus.CANCELLED, exception=InvoiceException.NONE, actor=actor
    )
    return locked


def invoice_totals(invoice: Invoice) -> Totals:
    facts = [
        PaymentFacts(p.amount, p.status, p.after_monitoring)
        for p in invoice.payments.only("amount", "status", "after_monitoring")
    ]
    return totals(facts, speed_policy=invoice.speed_policy)


def invoice_expire_if_due(invoice: Invoice) -> bool:
    """Expire ``invoice`` (locked by the caller) if it is open and its time is up."""
    if invoice.status not in OPEN or invoice.expires_at > clock.now():
        return False
    outcome = expiry_state(
        amount=invoice.amount, tolerance=invoice.tolerance, sums=invoice_totals(invoice)
    )
    if outcome is None:
        return False
    return invoice_transition(invoice, status=outcome[0], exception=outcome[1], actor=SYSTEM)


def invoice_expire_due(*, limit: int = 500) -> int:
    """Expire the open invoices whose time is up; returns how many. Each one is locked and
    re-checked, so two workers running this at once expire each invoice once."""
    due = list(
        Invoice.objects.filter(status__in=OPEN, expires_at__lte=clock.now())
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            locked = Invoice.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is not None and invoice_expire_if_due(locked):
                expired += 1
    return expired
