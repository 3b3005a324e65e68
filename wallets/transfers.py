"""TRX transfers out of a client's hot wallet, through the chain app's outgoing machinery.

Accepting a transfer holds the amount on the client's ledger (available → held) and
records the outgoing transaction in the same database transaction; the worker signs
(with the keystore's ``WalletSigner``) and broadcasts it after commit. When the chain
app reports the transaction final the hold is settled; when it fails, released. Both
happen inside the transaction that records the status, via ``outgoing_subscribe``.

A transfer to another address in custody of the same client (its fee wallet, say) does
not change whose money it is: it is created as an internal movement, and its hold is
released when final. A transfer to anyone else's address, including another tenant's
deposit address or a client's own watch-only one, leaves the client: settled (and
credited to the receiving owner by ``wallets.deposits`` if that address is in custody).
``wallets.custody`` states the rule.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from lucid_payments.tron.addresses import normalize_address, to_hex
from lucid_payments.tron.outgoing.contracts import trx_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.selectors import OutgoingView, outgoing_get, outgoing_view
from wallets.api.serializers import transfer_body
from wallets.custody import (
    INTERNAL_PREFIX,
    custody_owner,
    internal_reference,
    is_internal_reference,
)
from wallets.events import wallet_transfer_event_publish
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold, ledger_release, ledger_settle
from wallets.models.wallets import Wallet, WalletKind

REFERENCE_PREFIX = "wallet-transfer:"


@transaction.atomic
def wallet_trx_transfer(
    *, wallet: Wallet, to: str, amount_sun: int, actor: AuditActor
) -> OutgoingView:
    """Send TRX from ``wallet`` (a hot wallet of a client) to ``to``.

    Raises ``InsufficientFunds`` if the client's available TRX on the ledger is short.
    """
    if wallet.kind != WalletKind.HOT or not wallet.can_sign or wallet.client_id is None:
        raise InvalidInput(
            "Transfers are sent from a client's hot wallet.", code="wallet_cannot_send"
        )
    call = trx_transfer(owner=wallet.address, to=to, amount_sun=amount_sun)
    sender = LedgerOwner.client(wallet.client_id)
    reference = f"{REFERENCE_PREFIX}{uuid.uuid4().hex}"
    recipient = normalize_address(to)  # valid: trx_transfer accepted it
    if custody_owner(recipient, network=wallet.network) == sender:
        reference = internal_reference(reference)
    ledger_hold(
        owner=sender,
        asset=Asset.TRX,
        amount=amount_sun,
        reference=reference,
        description=f"TRX transfer from wallet {wallet.pk}",
        data={"wallet_id": wallet.pk, "to": to_hex(recipient)},
    )
    outgoing = outgoing_create(call=call, reference=reference, client=wallet.client, actor=actor)
    idempotency_effect(outgoing)
    return outgoing_view(outgoing)


def transfer_on_outgoing(event: OutgoingEvent) -> None:
    """Settle or release the hold of a wallet transfer when it ends (no network calls).

    A final internal movement is released, not settled: the money is still the client's,
    in custody (only the network fee left, booked by ``wallets.network_fees``).
    """
    internal = is_internal_reference(event.reference)
    if not event.reference.removeprefix(INTERNAL_PREFIX).startswith(REFERENCE_PREFIX):
        return
    data = {"txid": event.txid, "outgoing_id": event.outgoing_id}
    if event.status in (OutgoingStatus.FINAL, OutgoingStatus.FAILED):
        _publish(event)
    if event.status == OutgoingStatus.FINAL and internal:
        ledger_release(
            reference=event.reference,
            description="transfer final, between the client's own wallets: still in custody",
            data=data,
        )
    elif event.status == OutgoingStatus.FINAL:
        ledger_settle(reference=event.reference, description="transfer final", data=data)
    elif event.status == OutgoingStatus.FAILED:
        ledger_release(
            reference=event.reference,
            description=f"transfer failed: {event.failure_code}",
            data=data,
        )


def _publish(event: OutgoingEvent) -> None:
    outgoing = outgoing_get(outgoing_id=event.outgoing_id)
    if outgoing is None or outgoing.client_id is None:
        return
    body = transfer_body(outgoing) | {
        "failure_code": outgoing.failure_code,
        "failure_message": outgoing.failure_message,
    }
    wallet_transfer_event_publish(
        body=body, client_id=outgoing.client_id, confirmed=event.status == OutgoingStatus.FINAL
    )
