"""Fee accounting to the SUN: each of our transactions' cost, split from its receipt.

When one of our transactions ends in a solidified block, one ``TransactionFee`` row per
txid is stored, however often anything runs. The tracker read the solidified receipt to
decide the transaction was final, so the outgoing hook (``wallets.transaction_costs``)
records the row from that receipt as soon as the status commits, with no node call.
Otherwise (an event without its receipt, or a process that has not read the energy price
lately) a worker runs ``transaction_fee_record``, which reads the ``TransactionInfo`` from
the solidified node (a network call: never inside a database transaction).
``transaction_fees_catch_up`` (a periodic task) records whatever a lost enqueue or a
crash left out.

The receipt says how much energy came from the sender's own energy, not whose that energy
was. Apps that delegate energy to a sender (``usdt.energy``) register a source that says
how much they delegated for a txid; that much of it (at most) is counted as delegated,
the rest of the sender's energy as its own stake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import DatabaseError, transaction

from lucid_payments.core.inserts import insert_unless_taken
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.reads import transaction_info
from lucid_payments.tron.adapter.resource_prices import (
    recent_resource_prices,
    remembered_resource_prices,
)
from lucid_payments.tron.adapter.types import TransactionInfo
from lucid_payments.tron.outgoing.hooks import OutgoingStatus
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


def transaction_is_ours(outgoing: OutgoingView) -> bool:
    """Sent from an address in our custody: its costs came out of our custody."""
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
    if existing is not None or not transaction_is_ours(outgoing):
        return existing
    node = node or get_node()
    info = transaction_info(node, outgoing.txid, solid=True)
    if info is None:
        return None  # the node lost sight of it for now; the catch-up task comes back
    row = _fee_row(outgoing, info, energy_price_sun=recent_resource_prices(node).energy_sun)
    if not insert_unless_taken(row, conflict=("network", "txid")):  # recorded meanwhile
        return TransactionFee.objects.get(network=outgoing.network, txid=outgoing.txid)
    return row


def _fee_row(
    outgoing: OutgoingView, info: TransactionInfo, *, energy_price_sun: int
) -> TransactionFee:
    """The split of ``info``'s costs, unsaved."""
    delegated = (
        min(info.energy_usage, _delegated_energy(outgoing.network, outgoing.txid))
        if info.energy_usage
        else 0  # no energy of its own used: none of it can have been delegated
    )
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
        energy_price_sun=energy_price_sun,
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
    return row


def transaction_fees_catch_up(
    *, network: str, node: TronNode | None = None, limit: int = 100
) -> int:
    """Record the fees of ended transactions that have none yet; returns how many."""
    recorded = TransactionFee.objects.filter(network=network).values("txid")
    node = node or get_node()
    count = 0
    for outgoing in outgoing_ended(network=network, excluding_txids=recorded, limit=limit):
        if not transaction_is_ours(outgoing):
            continue
        if transaction_fee_record(outgoing_id=outgoing.id, node=node) is not None:
            count += 1
    return count


def transaction_fee_after_commit(outgoing: OutgoingView, receipt: TransactionInfo | None) -> None:
    """Record the fee of one of ours that ended with a txid (both checked by the caller)
    once the status that ended it commits: at once from ``receipt`` (the solidified
    receipt the tracker already read) while this process knows the energy price, else in
    a worker that asks the node.

    After the commit, not inside it: every other handler of that change (an energy
    delegation learning its send's txid, say) has then written what the split reads. A
    crash in between leaves it to ``transaction_fees_catch_up``.
    """
    if outgoing.block_number is None:
        return  # failed without ever being in a block: nothing was burned
    prices = remembered_resource_prices(get_node())
    if receipt is None or prices is None:
        transaction.on_commit(lambda: _enqueue(outgoing.id))
        return
    price = prices.energy_sun
    transaction.on_commit(lambda: _record_from_receipt(outgoing, receipt, energy_price_sun=price))


def _record_from_receipt(
    outgoing: OutgoingView, receipt: TransactionInfo, *, energy_price_sun: int
) -> None:
    try:
        row = _fee_row(outgoing, receipt, energy_price_sun=energy_price_sun)
        insert_unless_taken(row, conflict=("network", "txid"))
    except DatabaseError:  # the status is committed: the catch-up records it later
        logger.exception("could not record the fee of %s", outgoing.txid)


def _enqueue(outgoing_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("wallets.tasks.transaction_fee_record_task", outgoing_id)
    except Exception:  # a broker hiccup must not undo anything: the catch-up records it
        logger.exception("could not enqueue the fee record of outgoing %s", outgoing_id)
