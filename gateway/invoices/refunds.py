"""Refunds: money back from an invoice, sent from the client's hot wallet through the
chain app's outgoing machinery.

Accepting a refund holds the amount on the client's ledger and records the outgoing
transaction in one database transaction (the worker signs and broadcasts it after
commit). When the chain app reports it final the hold is settled, when it fails
released, inside the transaction that records the status (``outgoing_subscribe``). A
refund to an address in custody follows ``wallets.custody``: to the client's own address
it is an internal movement (released when final: still the client's money); to another
owner's, settled here and credited there by ``wallets.deposits``.
"""

from __future__ import annotations

from django.db import transaction

from gateway.invoices.events import refund_event_publish
from gateway.invoices.models import Invoice, Refund, RefundStatus, new_refund_id
from gateway.invoices.selectors import refunded_total
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import InvalidInput, Unprocessable
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset, format_amount
from lucid_payments.tron.outgoing.contracts import ContractCall, trc20_transfer, trx_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.outgoing.services import outgoing_create
from wallets.custody import (
    INTERNAL_PREFIX,
    custody_owner,
    internal_reference,
    is_internal_reference,
)
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold, ledger_release, ledger_settle
from wallets.models.wallets import KeySource, Wallet, WalletKind
from wallets.tokens import usdt_contract

REFERENCE_PREFIX = "refund:"


def _hot_wallet(invoice: Invoice) -> Wallet:
    wallet = (
        Wallet.objects.filter(
            client_id=invoice.client_id, kind=WalletKind.HOT, network=invoice.network
        )
        .exclude(key_source=KeySource.WATCH_ONLY)
        .order_by("id")
        .first()
    )
    if wallet is None:
        raise Unprocessable(
            "Refunds are sent from your hot wallet; create one and fund it first.",
            code="no_hot_wallet",
        )
    return wallet


def _call(wallet: Wallet, *, asset: Asset, to: str, amount: int) -> ContractCall:
    if asset == Asset.TRX:
        return trx_transfer(owner=wallet.address, to=to, amount_sun=amount)
    return trc20_transfer(
        owner=wallet.address, token=usdt_contract(wallet.network), to=to, amount=amount
    )


@transaction.atomic
def refund_create(*, invoice: Invoice, amount: int, to_address: str, actor: AuditActor) -> Refund:
    """Refund ``amount`` (units of the invoice's asset) of ``invoice`` to ``to_address``.

    Never more than the invoice's final payments less its earlier refunds (400 otherwise);
    ``InsufficientFunds`` (422) when the client's available balance is short.
    """
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    asset = Asset(locked.asset)
    refundable = locked.paid_amount - refunded_total(locked)
    if amount > refundable:
        raise InvalidInput(
            f"At most {format_amount(refundable, asset)} {asset.value} can be refunded: what "
            "was paid less earlier refunds.",
            code="refund_exceeds_paid",
            fields={"amount": [f"At most {format_amount(refundable, asset)}."]},
        )
    wallet = _hot_wallet(locked)
    call = _call(wallet, asset=asset, to=to_address, amount=amount)
    public_id = new_refund_id()
    reference = f"{REFERENCE_PREFIX}{public_id}"
    client = LedgerOwner.client(locked.client_id)
    if custody_owner(to_address, network=locked.network) == client:
        reference = internal_reference(reference)
    ledger_hold(
        owner=client,
        asset=asset,
        amount=amount,
        reference=reference,
        description=f"refund of invoice {locked.public_id}",
        data={"invoice": locked.public_id, "to": to_address},
    )
    outgoing = outgoing_create(call=call, reference=reference, client=locked.client, actor=actor)
    refund = Refund.objects.create(
        public_id=public_id,
        invoice=locked,
        client_id=locked.client_id,
        asset=asset,
        amount=amount,
        to_address=to_address,
        reference=reference,
        outgoing_id=outgoing.pk,
    )
    idempotency_effect(refund)
    audit_log(
        actor=actor,
        action="refund.created",
        target=refund,
        client_id=locked.client_id,
        data={"invoice": locked.public_id, "amount": amount, "to": to_address},
    )
    refund_event_publish(refund=refund, what="created")
    return refund


def refund_on_outgoing(event: OutgoingEvent) -> None:
    """Follow a refund's transaction: sent, then settled when final or released when it
    failed (inside the transaction that records the status; no network calls)."""
    if not event.reference.removeprefix(INTERNAL_PREFIX).startswith(REFERENCE_PREFIX):
        return
    refund = (
        Refund.objects.select_for_update()
        .select_related("invoice")
        .filter(outgoing_id=event.outgoing_id)
        .first()
    )
    if refund is None or refund.status in (RefundStatus.CONFIRMED, RefundStatus.FAILED):
        return
    refund.txid = event.txid or refund.txid
    data = {"txid": event.txid, "outgoing_id": event.outgoing_id, "refund": refund.public_id}
    if event.status in (OutgoingStatus.BROADCAST, OutgoingStatus.CONFIRMED):
        if refund.status == RefundStatus.PENDING:
            _move(refund, RefundStatus.SENT)
    elif event.status == OutgoingStatus.FINAL:
        if is_internal_reference(refund.reference):
            ledger_release(
                reference=refund.reference,
                description="refund final, to the client's own address: still in custody",
                data=data,
            )
        else:
            ledger_settle(reference=refund.reference, description="refund final", data=data)
        if refund.status == RefundStatus.PENDING:
            _move(refund, RefundStatus.SENT)
        _move(refund, RefundStatus.CONFIRMED)
    elif event.status == OutgoingStatus.FAILED:
        ledger_release(
            reference=refund.reference,
            description=f"refund failed: {event.failure_code}",
            data=data,
        )
        refund.failure_code = event.failure_code
        _move(refund, RefundStatus.FAILED)
    else:
        refund.save(update_fields=["txid", "updated_at"])


def _move(refund: Refund, status: RefundStatus) -> None:
    previous = refund.status
    refund.status = status
    refund.save(update_fields=["status", "txid", "failure_code", "updated_at"])
    audit_log(
        actor=AuditActor.system("refunds"),
        action=f"refund.{status}",
        target=refund,
        client_id=refund.client_id,
        data={"from": previous, "txid": refund.txid},
    )
    refund_event_publish(refund=refund, what=str(status))
