"""The events wallets publish: deposits, wallet transfers and book transfers, as their API
objects."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.money import Asset
from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register
from lucid_payments.tron.hooks import TransferEvent
from wallets.api.ledger_transfer_serializers import LedgerTransferOutput
from wallets.api.serializers import MoneyOutput, TransferOutput, money
from wallets.ledger.owners import LedgerOwner
from wallets.models.ledger import OwnerType

DEPOSIT_STATUS = {"seen": "seen", "final": "credited", "dropped": "dropped"}


class DepositOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="txid:index, the transfer's identity on chain")
    status = serializers.ChoiceField(
        choices=["seen", "credited", "dropped"],
        help_text="seen: in a block, not final; credited: final and on the ledger; dropped: "
        "the block it was seen in left the chain (a fork)",
    )
    network = serializers.CharField()
    txid = serializers.CharField()
    index = serializers.IntegerField(help_text="Position of the transfer in its transaction")
    amount = MoneyOutput()
    from_address = serializers.CharField()
    to_address = serializers.CharField(help_text="The deposit address (or wallet) it reached")
    customer_id = serializers.IntegerField(
        allow_null=True, help_text="The customer credited; null when the client itself is"
    )
    block_number = serializers.IntegerField()


class WalletTransferOutput(TransferOutput):
    failure_code = serializers.CharField(allow_blank=True)
    failure_message = serializers.CharField(allow_blank=True)


DEPOSIT_SEEN = EventType(
    "deposit.seen",
    "A transfer to one of your deposit addresses or wallets is in a block, not final yet "
    "(nothing is credited before it is final).",
    DepositOutput,
)
DEPOSIT_CREDITED = EventType(
    "deposit.credited",
    "That transfer is final (solidified) and its amount is on your or your customer's "
    "available balance, exactly once.",
    DepositOutput,
)
DEPOSIT_DROPPED = EventType(
    "deposit.dropped",
    "A transfer reported seen left the chain with its block (a fork); it was never credited.",
    DepositOutput,
)
WALLET_TRANSFER_CONFIRMED = EventType(
    "wallet_transfer.confirmed",
    "A TRX transfer from your hot wallet is final on chain; the held amount is settled.",
    WalletTransferOutput,
)
WALLET_TRANSFER_FAILED = EventType(
    "wallet_transfer.failed",
    "A TRX transfer from your hot wallet failed; the held amount is available again.",
    WalletTransferOutput,
)

LEDGER_TRANSFER_CREATED = EventType(
    "ledger_transfer.created",
    "A book transfer between you and one of your customers is on the ledger: the payer's "
    "available balance is debited and the payee's credited, at once (nothing moves on chain).",
    LedgerTransferOutput,
)


def register_wallet_event_types() -> None:
    event_type_register(
        DEPOSIT_SEEN,
        DEPOSIT_CREDITED,
        DEPOSIT_DROPPED,
        WALLET_TRANSFER_CONFIRMED,
        WALLET_TRANSFER_FAILED,
        LEDGER_TRANSFER_CREATED,
    )


def deposit_event_publish(*, transfer: TransferEvent, asset: Asset, owner: LedgerOwner) -> None:
    """The event of one transfer into custody reaching ``transfer.status``, for the tenant
    that owns the receiving address (the platform's own wallets tell no client)."""
    if owner.client_id is None:
        return
    status = DEPOSIT_STATUS[transfer.status]
    deposit_id = f"{transfer.txid}:{transfer.index}"
    data = DepositOutput(
        {
            "id": deposit_id,
            "status": status,
            "network": transfer.network,
            "txid": transfer.txid,
            "index": transfer.index,
            "amount": money(transfer.amount, asset),
            "from_address": transfer.from_address,
            "to_address": transfer.to_address,
            "customer_id": owner.id if owner.type == OwnerType.CUSTOMER else None,
            "block_number": transfer.block_number,
        }
    ).data
    # Seen and dropped can happen again in another block after a fork; credited once ever.
    occurrence = "" if status == "credited" else f":{transfer.block_id}"
    event_publish(
        type=f"deposit.{status}",
        client_id=owner.client_id,
        object_id=deposit_id,
        data=data,
        key=f"deposit.{status}:{transfer.network}:{deposit_id}{occurrence}",
    )


def wallet_transfer_event_publish(*, body: dict[str, Any], client_id: int, confirmed: bool) -> None:
    """``wallet_transfer.confirmed`` or ``.failed`` for a transfer as the API shows it."""
    status = "confirmed" if confirmed else "failed"
    event_publish(
        type=f"wallet_transfer.{status}",
        client_id=client_id,
        object_id=str(body["id"]),
        data=WalletTransferOutput(body).data,
        key=f"wallet_transfer.{status}:{body['id']}",
    )
