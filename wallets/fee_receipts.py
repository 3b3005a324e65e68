"""Fee accounting to the SUN: each of our transactions' cost, split from its receipt.

When one of our transactions ends in a solidified block, ``transaction_fee_record`` reads
its ``TransactionInfo`` from the solidified node (a network call: never inside a database
transaction) and stores one ``TransactionFee`` row per txid, however often it runs. The
outgoing hook enqueues it after the status commits; ``transaction_fees_catch_up`` (a
periodic task) records whatever a lost enqueue or a crash left out.

The receipt says how much energy came from the sender's own energy, not whose that energy
was. Apps that delegate energy to a sender (``usdt.energy``) register a source that says
how much they delegated for a txid; that much of it (at most) is counted as delegated,
the rest of the sender's energy as its own stake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.reads import transaction_info
from lucid_payments.tron.adapter.resource_prices import recent_resource_prices
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.selectors import OutgoingView, outgoing_ended, outgoing_get
from wallets.custody import custody_addresses
from wallets.models.fees import TransactionFee

logger = logging.getLogger(__name__)

# (network, txid) -> energy our energy wallet delegated to the sender for that transaction.
DelegatedEnergySource = Callable[[str, str], int]
_delegated_sources: list[DelegatedEnergySource] = []


def register_delegated_energy_source(source: DelegatedEnergySource) -> None:
    """Register ``source`` (from an ``AppConfig.ready``)."""
    if source not in _delegated_sources:
        _delegated_sources.append(source)


def _delegated_energy(network: str, txid: str) -> int:
    return sum(source(network, txid) for source in _delegated_sources)


def _ours(outgoing: OutgoingView) -> bool:
    return (
        custody_addresses(network=outgoing.network).filter(address=outgoing.owner_address).exists()
    )


def transaction_fee_record(
    *, outgoing_id: int, node: TronNode | None = None
) -> TransactionFee | None:
    """The fee row of one of our transactions, recorded once; None while it has not ended
    in a solidified block, or when it is not ours to account (a client's relayed one)."""
    outgoing = outgoing_get(outgoing_id=outgoing_id)
    if outgoing is None or outgoing.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED):
        return None
    if not outgoing.txid or outgoing.block_number is None:
        return None  # failed without ever being in a block: nothing was burned
    existing = TransactionFee.objects.filter(network=outgoing.network, txid=outgoing.txid).first()
    if existing is not None or not _ours(outgoing):
        return existing
    node = node or get_node()
    info = transaction_info(node, outgoing.txid, solid=True)
    if info is None:
        return None  # the node lost sight of it for now; the catch-up task comes back
    price = recent_resource_prices(node).energy_sun
    delegated = min(info.energy_usage, _delegated_energy(outgoing.network, outgoing.txid))
    burned_sun = info.energy_fee + info.net_fee
    row = TransactionFee(
        network=outgoing.network,
        txid=outgoing.txid,
        outgoing_id=outgoing.id,
        reference=outgoing.reference,
        client_id=outgoing.client_id,
        contract_type=outgoing.contract_type,
        owner_address=outgoing.owner_address,
        succeeded=outgoing.status == OutgoingStatus.FINAL,
        block_number=info.block_number,
        block_time=datetime.fromtimestamp(info.block_timestamp_ms / 1000, tz=UTC),
        energy_total=info.energy_usage_total,
        energy_delegated=delegated,
        energy_own_stake=info.energy_usage - delegated,
        energy_contract=info.origin_energy_usage,
        energy_burned=max(
            0, info.energy_usage_total - info.energy_usage - info.origin_energy_usage
        ),
        energy_burned_sun=info.energy_fee,
        energy_price_sun=price,
        bandwidth_used=info.net_usage,
        bandwidth_burned_sun=info.net_fee,
        # Whatever the receipt does not name is the account-creation fee.
        activation_sun=max(0, info.fee - burned_sun),
        fee_sun=max(info.fee, burned_sun),
    )
    # The parts are the total by construction; should a node ever report a receipt whose
    # parts exceed its total, the row still holds its own sum (the database checks it).
    row.energy_total = (
        row.energy_delegated + row.energy_own_stake + row.energy_contract + row.energy_burned
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # recorded meanwhile by another worker
        return TransactionFee.objects.get(network=outgoing.network, txid=outgoing.txid)
    return row


def transaction_fees_catch_up(
    *, network: str, node: TronNode | None = None, limit: int = 100
) -> int:
    """Record the fees of ended transactions that have none yet; returns how many."""
    recorded = TransactionFee.objects.filter(network=network).values("txid")
    node = node or get_node()
    count = 0
    for outgoing in outgoing_ended(network=network, excluding_txids=recorded, limit=limit):
        if not _ours(outgoing):
            continue
        if transaction_fee_record(outgoing_id=outgoing.id, node=node) is not None:
            count += 1
    return count


def transaction_fee_on_outgoing(event: OutgoingEvent) -> None:
    """Hook: once the status is committed, record the fee in a worker."""
    if event.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED) or not event.txid:
        return
    transaction.on_commit(lambda: _enqueue(event.outgoing_id))


def _enqueue(outgoing_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("wallets.tasks.transaction_fee_record_task", outgoing_id)
    except Exception:  # a broker hiccup must not undo anything: the catch-up records it
        logger.exception("could not enqueue the fee record of outgoing %s", outgoing_id)
