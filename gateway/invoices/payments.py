"""Payments in: the scanner's transfers to invoice addresses, recorded on their invoice.

Subscribed to the chain app's transfer hook in bulk, so every payment's record, the
invoice's new status and its event commit in the transaction that records the transfer's
status. The client's ledger credit is not here: ``wallets.deposits`` books it, once, when
the transfer is final (an invoice's address is the client's, in custody); this module
only tells it that the deposit event of such an address is ours to publish, as invoice
events. Payments in another asset than the invoice's are left to wallets (a plain
deposit, with its deposit event).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from gateway.invoices import clock
from gateway.invoices.models import Invoice, InvoicePayment, InvoiceStatus, PaymentStatus
from gateway.invoices.services import (
    SYSTEM,
    invoice_expire_if_due,
    invoice_totals,
    invoice_transition,
)
from gateway.invoices.state import next_state
from lucid_payments.tron.hooks import TransferEvent
from wallets.custody import internal_movement_txids
from wallets.tokens import asset_of_transfer

REPORTED = (PaymentStatus.SEEN, PaymentStatus.FINAL, PaymentStatus.DROPPED)


def invoice_addresses_claimed(network: str, addresses: Collection[str]) -> dict[str, str]:
    """address → asset, for those of ``addresses`` that belong to an invoice."""
    if not addresses:
        return {}
    rows = Invoice.objects.filter(network=network, address__address__in=list(addresses))
    return dict(rows.values_list("address__address", "asset"))


def payments_on_transfers(events: Sequence[TransferEvent]) -> None:
    """Record the transfers among ``events`` that pay an invoice, in chain order, and move
    each invoice they touch to its new status. No network calls."""
    reported = [e for e in events if e.status in REPORTED and e.amount > 0]
    for network in {e.network for e in reported}:
        _payments([e for e in reported if e.network == network], network=network)


def _payments(events: Sequence[TransferEvent], *, network: str) -> None:
    invoices = {
        invoice.address.address: invoice
        for invoice in Invoice.objects.select_related("address").filter(
            network=network, address__address__in=list({e.to_address for e in events})
        )
    }
    if not invoices:
        return
    paying = [e for e in events if e.to_address in invoices]
    internal = internal_movement_txids(network=network, txids={e.txid for e in paying})
    for event in paying:
        invoice = invoices[event.to_address]
        asset = asset_of_transfer(
            network=network, asset=event.asset, token_contract=event.token_contract
        )
        if event.txid in internal or asset != invoice.asset:
            continue
        _record(invoice.pk, event)


def _record(invoice_id: int, event: TransferEvent) -> None:
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    # Time may be up without the periodic task having run yet: expire first, so that a
    # payment after expires_at is late whichever ran first.
    invoice_expire_if_due(invoice)
    now = clock.now()
    payment = InvoicePayment.objects.filter(txid=event.txid, index=event.index).first()
    if payment is None:
        if event.status == PaymentStatus.DROPPED:
            return
        payment = InvoicePayment(
            invoice=invoice,
            txid=event.txid,
            index=event.index,
            from_address=event.from_address,
            amount=event.amount,
            seen_at=now,
            late=invoice.status == InvoiceStatus.EXPIRED,
            after_monitoring=now > invoice.monitoring_until,
        )
    payment.status = event.status
    payment.block_number = event.block_number
    if event.status == PaymentStatus.FINAL and payment.final_at is None:
        payment.final_at = now
    payment.save()
    sums = invoice_totals(invoice)
    invoice.paid_amount = sums.final
    status, exception = next_state(
        status=invoice.status,
        exception=invoice.exception,
        amount=invoice.amount,
        tolerance=invoice.tolerance,
        sums=sums,
    )
    occurrence = f"{event.txid}:{event.index}:{event.block_id}:{event.status}"
    if not invoice_transition(
        invoice, status=status, exception=exception, actor=SYSTEM, occurrence=occurrence
    ):
        invoice.save(update_fields=["paid_amount"])
