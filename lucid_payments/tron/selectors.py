"""Reads of chain-level rows for the other apps: they ask here instead of querying the
chain app's tables or parsing a transaction's stored parameters themselves.

What comes out is typed and in the platform's terms: base58 addresses, integer amounts
of SUN or token base units.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum

from lucid_payments.core.snapshots import snapshot
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.models import (
    ChainTransfer,
    OutgoingAttempt,
    OutgoingTransaction,
    ScanCursor,
    TransferStatus,
)
from lucid_payments.tron.models.outgoing import ACTIVE_STATUSES
from lucid_payments.tron.outgoing.contracts import TRC20_TRANSFER_SELECTOR

# selector (8 hex) + address word + amount word
_TRC20_TRANSFER_DATA_LENGTH = 8 + 64 + 64


@dataclass(frozen=True, slots=True)
class OutgoingView:
    """One of our outgoing transactions as other apps see it.

    ``asset`` is "TRX" for a TRX transfer, "TRC20" for a TRC20 ``transfer(to, amount)``
    (then ``token_contract`` is the token) and "" for any other contract (staking, votes…),
    whose ``recipient`` is its receiver if it has one and ``amount`` 0.
    """

    id: int
    network: str
    reference: str
    status: str  # an OutgoingStatus value
    client_id: int | None
    contract_type: str
    owner_address: str  # base58
    txid: str
    block_number: int | None
    fee: int | None  # SUN burned, once in a solidified block
    failure_code: str
    failure_message: str
    asset: str
    recipient: str  # base58, "" when the contract has none
    amount: int
    token_contract: str  # base58, TRC20 transfers only
    # Stake 2.0: SUN a FreezeBalanceV2 moves from the balance into stake (0 otherwise), and
    # what the contract paid onto the balance once final (rewards; unfrozen TRX).
    freeze_amount: int = 0
    withdraw_amount: int = 0
    withdraw_expire_amount: int = 0


def _base58(address_hex: object) -> str:
    return hex_to_base58(str(address_hex)) if address_hex else ""


def _trc20_transfer(data: str) -> tuple[str, int] | None:
    """(recipient hex, amount) of ``transfer(address,uint256)`` call data, else None."""
    if len(data) != _TRC20_TRANSFER_DATA_LENGTH or not data.startswith(TRC20_TRANSFER_SELECTOR):
        return None
    try:
        return "41" + data[8 + 24 : 8 + 64].lower(), int(data[8 + 64 :], 16)
    except ValueError:
        return None


def outgoing_view(outgoing: OutgoingTransaction) -> OutgoingView:
    """The typed view of a row (for the code that just created it)."""
    parameters: dict[str, Any] = dict(outgoing.parameters)
    asset, recipient, amount, token = "", _base58(parameters.get("receiver_address")), 0, ""
    if outgoing.contract_type == "TransferContract":
        asset = "TRX"
        recipient = _base58(parameters.get("to_address"))
        amount = int(parameters.get("amount", 0))
    elif outgoing.contract_type == "TriggerSmartContract":
        transfer = _trc20_transfer(str(parameters.get("data", "")))
        if transfer is not None:
            asset = "TRC20"
            recipient, amount = hex_to_base58(transfer[0]), transfer[1]
            token = _base58(parameters.get("contract_address"))
    return snapshot(
        OutgoingView,
        outgoing,
        id=outgoing.pk,
        asset=asset,
        recipient=recipient,
        amount=amount,
        token_contract=token,
        freeze_amount=(
            int(parameters.get("frozen_balance", 0))
            if outgoing.contract_type == "FreezeBalanceV2Contract"
            else 0
        ),
    )


def outgoing_get(*, outgoing_id: int) -> OutgoingView | None:
    outgoing = OutgoingTransaction.objects.filter(pk=outgoing_id).first()
    return outgoing_view(outgoing) if outgoing is not None else None


def outgoing_in_a_block(*, outgoing_id: OuterRef) -> Exists:
    """True where the transaction ``outgoing_id`` (the caller's column, as an ``OuterRef``)
    has a copy in a block we know of: for a caller that filters or sums its own rows in
    one statement. A row with no transaction is never in a block."""
    return Exists(OutgoingTransaction.objects.filter(pk=outgoing_id, block_number__isnull=False))


def outgoing_unfinished_from(
    *, network: str, owner_addresses: Collection[str]
) -> list[OutgoingView]:
    """Our transactions from ``owner_addresses`` that have a signed copy and are not final
    or failed yet: they may be on chain while the ledger does not show them settled."""
    rows = OutgoingTransaction.objects.filter(
        network=network, status__in=ACTIVE_STATUSES, owner_address__in=list(owner_addresses)
    ).exclude(txid="")
    return [outgoing_view(row) for row in rows]


def outgoing_last_attempt_id(*, network: str) -> int:
    """The id of the newest signed copy on ``network`` (0 if none): no new copy since a
    reading means nothing it did not know of can have reached the chain."""
    return OutgoingAttempt.objects.filter(network=network).aggregate(m=Max("id"))["m"] or 0


def outgoing_references_by_txid(*, network: str, txids: Collection[str]) -> dict[str, str]:
    """txid → the reference of our outgoing transaction that signed it, for those of
    ``txids`` that are copies we made (any copy, not only the current one: an earlier copy
    is what landed when a rebuild raced it)."""
    if not txids:
        return {}
    rows = OutgoingAttempt.objects.filter(network=network, txid__in=list(txids)).values_list(
        "txid", "outgoing__reference"
    )
    return dict(rows)


def outgoing_txids_with_reference_prefix(*, network: str, prefix: str) -> QuerySet[Any, Any]:
    """The txids (as a subquery) of every copy of our outgoing transactions whose reference
    starts with ``prefix``."""
    return OutgoingAttempt.objects.filter(
        network=network, outgoing__reference__startswith=prefix
    ).values("txid")


@dataclass(frozen=True, slots=True)
class PendingTotal:
    amount: int
    count: int


def transfers_seen_not_final_to(
    *,
    network: str,
    to_addresses: QuerySet[Any, Any] | Collection[str],
    excluding_txids: QuerySet[Any, Any] | Collection[str] = (),
    token_contract: str = "",
) -> PendingTotal:
    """Total and count of the transfers the scanner saw in a block that is not final yet,
    to any of ``to_addresses`` (a ``values("address")`` subquery or a collection), except
    those of ``excluding_txids``: TRX, or the TRC20 token ``token_contract`` if given."""
    asset = Q(asset="TRC20", token_contract=token_contract) if token_contract else Q(asset="TRX")
    rows = (
        ChainTransfer.objects.filter(
            asset, network=network, status=TransferStatus.SEEN, to_address__in=to_addresses
        )
        .exclude(txid__in=excluding_txids)
        .aggregate(total=Sum("amount"), count=Count("id"))
    )
    return PendingTotal(amount=int(rows["total"] or 0), count=int(rows["count"]))


def scan_cursor_block(*, network: str) -> int | None:
    """The last block the scanner has read on ``network``; None if it never ran."""
    cursor = ScanCursor.objects.filter(network=network).first()
    return cursor.block_number if cursor else None


def outgoing_ended(
    *, network: str, excluding_txids: QuerySet[Any, Any] | Collection[str] = (), limit: int = 100
) -> list[OutgoingView]:
    """Our transactions on ``network`` that ended in a solidified block (final, or failed
    on chain with a fee), oldest first, except those of ``excluding_txids``."""
    rows = (
        OutgoingTransaction.objects.filter(
            network=network, status__in=("final", "failed"), block_number__isnull=False
        )
        .exclude(txid="")
        .exclude(txid__in=excluding_txids)
        .order_by("id")[:limit]
    )
    return [outgoing_view(row) for row in rows]


def outgoing_by_reference(*, network: str, reference: str) -> OutgoingView | None:
    """Our outgoing transaction recorded under ``reference``, if any."""
    row = OutgoingTransaction.objects.filter(network=network, reference=reference).first()
    return outgoing_view(row) if row is not None else None


def outgoing_failed_count_since(*, since: datetime, network: str | None = None) -> int:
    """How many of our transactions failed (for good) since ``since``: the console's
    "needs a human" count."""
    network = network or str(settings.TRON_NETWORK)
    return OutgoingTransaction.objects.filter(
        network=network, status="failed", updated_at__gte=since
    ).count()


def broadcast_refusals_since(*, since: datetime, network: str | None = None) -> int:
    """Signed copies whose last broadcast since ``since`` the node refused (any answer but
    an acceptance or a duplicate, which means an earlier copy got through): the console's
    count of node errors."""
    network = network or str(settings.TRON_NETWORK)
    return (
        OutgoingAttempt.objects.filter(network=network, last_broadcast_at__gte=since)
        .exclude(last_node_code__in=("", "SUCCESS", "DUP_TRANSACTION_ERROR"))
        .count()
    )
