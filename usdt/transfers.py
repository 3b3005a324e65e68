"""USDT transfers out of a client's hot wallet, paid for by the energy policy.

Accepting a transfer (``usdt_transfer_create``) holds the amount on the client's ledger,
records the transfer and, in ``delegated`` mode, the energy delegation, in one database
transaction. The TRC20 call itself is recorded (``outgoing_create``) once the energy is
ready: at once when the sender burns or has its own energy, when the delegation is in a
block otherwise. Its ``fee_limit`` is the plan's: the energy estimate at the chain's
price plus a margin. When the call ends the hold is settled (released when final for a
transfer between the client's own wallets, which stays in custody, or when it failed),
the ``usdt_transfer.*`` event is published and the delegation reclaimed, all inside the
transaction that records the status.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.addresses import normalize_address, to_hex
from lucid_payments.tron.outgoing.contracts import trc20_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.selectors import outgoing_get
from usdt.energy.plan import EnergyPlan, energy_plan_for_usdt_send
from usdt.energy.policy import (
    energy_failed,
    energy_for_usdt_send,
    energy_ready,
    energy_release,
)
from usdt.events import usdt_transfer_event_publish
from usdt.models import EnergyMode, UsdtTransfer, UsdtTransferStatus
from wallets.custody import INTERNAL_PREFIX, custody_owner, internal_reference
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold, ledger_release, ledger_settle
from wallets.models.wallets import Wallet, WalletKind

REFERENCE_PREFIX = "usdt-transfer:"
ACTOR = AuditActor.system("usdt.transfers")


def _check_sender(wallet: Wallet) -> None:
    if wallet.kind != WalletKind.HOT or not wallet.can_sign or wallet.client_id is None:
        raise InvalidInput(
            "USDT transfers are sent from a client's hot wallet.", code="wallet_cannot_send"
        )


def usdt_transfer_plan(
    *, wallet: Wallet, to: str, amount: int, node: TronNode | None = None
) -> EnergyPlan:
    """The energy plan of a transfer (network reads: call it outside a transaction)."""
    _check_sender(wallet)
    to = normalize_address(to)
    if to == wallet.address:
        raise InvalidInput(
            "Cannot send USDT to the sending wallet.", fields={"to": ["Same as the sender."]}
        )
    return energy_plan_for_usdt_send(sender=wallet.address, to=to, amount=amount, node=node)


@transaction.atomic
def usdt_transfer_create(*, wallet: Wallet, plan: EnergyPlan, actor: AuditActor) -> UsdtTransfer:
    """Accept a transfer planned by ``usdt_transfer_plan``: hold, record, ask for energy.

    Raises ``InsufficientFunds`` when the client's available USDT is short."""
    _check_sender(wallet)
    assert wallet.client_id is not None
    sender = LedgerOwner.client(wallet.client_id)
    reference = f"{REFERENCE_PREFIX}{uuid.uuid4().hex}"
    if custody_owner(plan.to, network=wallet.network) == sender:
        reference = internal_reference(reference)  # the client's own wallets: still its money
    ledger_hold(
        owner=sender,
        asset=Asset.USDT,
        amount=plan.amount,
        reference=reference,
        description=f"USDT transfer from wallet {wallet.pk}",
        data={"wallet_id": wallet.pk, "to": to_hex(plan.to)},
    )
    transfer = UsdtTransfer.objects.create(
        client_id=wallet.client_id,
        wallet=wallet,
        network=wallet.network,
        sender=wallet.address,
        recipient=plan.to,
        amount=plan.amount,
        token_contract=plan.token_contract,
        reference=reference,
        energy_estimate=plan.energy,
        energy_price_sun=plan.energy_price_sun,
        fee_limit_sun=plan.fee_limit_sun,
        energy_mode=plan.mode,
        status=UsdtTransferStatus.AWAITING_ENERGY,
    )
    idempotency_effect(transfer)
    audit_log(
        actor=actor,
        action="usdt.transfer.accepted",
        target=transfer,
        data={"amount": plan.amount, "to": plan.to, "fee_limit": plan.fee_limit_sun},
        client_id=wallet.client_id,
    )
    energy_for_usdt_send(plan=plan, purpose=reference)
    if energy_ready(purpose=reference):
        _send(transfer, actor=actor)
    return transfer


def _send(transfer: UsdtTransfer, *, actor: AuditActor) -> None:
    call = trc20_transfer(
        owner=transfer.sender,
        token=transfer.token_contract,
        to=transfer.recipient,
        amount=transfer.amount,
        fee_limit_sun=transfer.fee_limit_sun,
    )
    outgoing = outgoing_create(
        call=call, reference=transfer.reference, client=transfer.client, actor=actor
    )
    transfer.outgoing_id = outgoing.pk
    transfer.status = UsdtTransferStatus.SENDING
    transfer.save(update_fields=["outgoing_id", "status", "updated_at"])


def usdt_transfer_on_energy_ready(purpose: str) -> None:
    """The energy of a waiting transfer is ready (or will never come): send it."""
    transfer = (
        UsdtTransfer.objects.select_for_update()
        .select_related("client")
        .filter(reference=purpose)
        .first()
    )
    if transfer is None or transfer.status != UsdtTransferStatus.AWAITING_ENERGY:
        return
    if energy_failed(purpose=purpose):
        # No delegated energy will come: the sender burns, within the same fee_limit.
        transfer.energy_mode = EnergyMode.BURN
        transfer.save(update_fields=["energy_mode", "updated_at"])
    _send(transfer, actor=ACTOR)


def usdt_transfers_send_ready() -> int:
    """Send every waiting transfer whose energy is ready (the periodic catch-up of the
    hook above; safe to run twice). Returns how many were sent."""
    sent = 0
    waiting = UsdtTransfer.objects.filter(status=UsdtTransferStatus.AWAITING_ENERGY)
    for reference in waiting.values_list("reference", flat=True):
        if energy_ready(purpose=reference):
            with transaction.atomic():
                before = UsdtTransfer.objects.get(reference=reference).status
                usdt_transfer_on_energy_ready(reference)
                sent += before == UsdtTransferStatus.AWAITING_ENERGY
    return sent


def usdt_transfer_on_outgoing(event: OutgoingEvent) -> None:
    """Settle or release the hold when the call ends (no network calls)."""
    if not event.reference.removeprefix(INTERNAL_PREFIX).startswith(REFERENCE_PREFIX):
        return
    if event.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED):
        return
    transfer = UsdtTransfer.objects.select_for_update().filter(reference=event.reference).first()
    if transfer is None or transfer.status in (
        UsdtTransferStatus.CONFIRMED,
        UsdtTransferStatus.FAILED,
    ):
        return
    data = {"txid": event.txid, "outgoing_id": event.outgoing_id}
    final = event.status == OutgoingStatus.FINAL
    internal = event.reference.startswith(INTERNAL_PREFIX)
    if final and internal:
        ledger_release(
            reference=event.reference,
            description="USDT transfer final, between the client's own wallets: still in custody",
            data=data,
        )
    elif final:
        ledger_settle(reference=event.reference, description="USDT transfer final", data=data)
    else:
        ledger_release(
            reference=event.reference,
            description=f"USDT transfer failed: {event.failure_code}",
            data=data,
        )
    outgoing = outgoing_get(outgoing_id=event.outgoing_id)
    transfer.status = UsdtTransferStatus.CONFIRMED if final else UsdtTransferStatus.FAILED
    transfer.txid = event.txid
    transfer.failure_code = "" if final else event.failure_code
    transfer.failure_message = "" if final or outgoing is None else outgoing.failure_message
    transfer.save(update_fields=["status", "txid", "failure_code", "failure_message", "updated_at"])
    audit_log(
        actor=ACTOR,
        action=f"usdt.transfer.{transfer.status}",
        target=transfer,
        data=data,
        client_id=transfer.client_id,
    )
    usdt_transfer_event_publish(transfer=transfer)
    energy_release(purpose=event.reference, send_txid=event.txid)
