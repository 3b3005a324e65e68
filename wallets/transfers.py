"""TRX transfers out of a client's hot wallet, through the chain app's outgoing machinery.

Accepting a transfer holds the amount on the client's ledger (available → held) and
records the outgoing transaction in the same database transaction; the worker signs
(with the keystore's ``WalletSigner``) and broadcasts it after commit. When the chain
app reports the transaction final the hold is settled (released if it went to another
address of ours: still in custody); when it fails, released. Both
happen inside the transaction that records the status, via ``outgoing_subscribe``.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.money import Asset
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.contracts import trx_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent
from lucid_payments.tron.outgoing.services import outgoing_create
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold, ledger_release, ledger_settle
from wallets.models.wallets import Wallet, WalletAddress, WalletKind

REFERENCE_PREFIX = "wallet-transfer:"


@transaction.atomic
def wallet_trx_transfer(
    *, wallet: Wallet, to: str, amount_sun: int, actor: AuditActor
) -> OutgoingTransaction:
    """Send TRX from ``wallet`` (a hot wallet of a client) to ``to``.

    Raises ``InsufficientFunds`` if the client's available TRX on the ledger is short.
    """
    if wallet.kind != WalletKind.HOT or not wallet.can_sign or wallet.client_id is None:
        raise InvalidInput(
            "Transfers are sent from a client's hot wallet.", code="wallet_cannot_send"
        )
    call = trx_transfer(owner=wallet.address, to=to, amount_sun=amount_sun)
    reference = f"{REFERENCE_PREFIX}{uuid.uuid4().hex}"
    ledger_hold(
        owner=LedgerOwner.client(wallet.client_id),
        asset=Asset.TRX,
        amount=amount_sun,
        reference=reference,
        description=f"TRX transfer from wallet {wallet.pk}",
        data={"wallet_id": wallet.pk, "to": call.parameters["to_address"]},
    )
    return outgoing_create(call=call, reference=reference, client=wallet.client, actor=actor)


def _stays_in_custody(outgoing_id: int) -> bool:
    """Whether the transfer went to another address of ours (e.g. topping up a fee wallet):
    then the TRX never left custody, and the client still owns it."""
    outgoing = OutgoingTransaction.objects.only("parameters", "network").get(pk=outgoing_id)
    to = hex_to_base58(str(outgoing.parameters.get("to_address", "")))
    return WalletAddress.objects.filter(address=to, wallet__network=outgoing.network).exists()


def transfer_on_outgoing(event: OutgoingEvent) -> None:
    """Settle or release the hold of a wallet transfer when it ends (no network calls).

    A final transfer to one of our own addresses is released, not settled: nothing left
    custody (only its network fee did, booked by ``wallets.network_fees``).
    """
    if not event.reference.startswith(REFERENCE_PREFIX):
        return
    data = {"txid": event.txid, "outgoing_id": event.outgoing_id}
    if event.status == OutgoingStatus.FINAL and _stays_in_custody(event.outgoing_id):
        ledger_release(
            reference=event.reference,
            description="transfer final, to an address of ours: still in custody",
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
