"""Network fees: TRX our own transactions burned on chain, booked as a platform expense.

Every transaction sent from one of our addresses (a hot-wallet transfer, a sweep, a USDT
payout, a staking call) may burn TRX for bandwidth, energy or the activation of a new
account. The chain takes that from our address, so the ledger must take it from custody
too, or ``reconcile`` finds the platform short by exactly the fees.

Subscribed to the outgoing-transaction hook: when a transaction of ours ends in a block
(final, or failed on chain, which burns its fee as well) the tracker has already stored
the fee from the solidified ``TransactionInfo`` on the row, in the transaction that is
running this handler. The entry is booked in that same transaction, so the status and
the fee commit together. The reference names the chain transaction, so it is booked once
however often the handler runs.
"""

from __future__ import annotations

import logging

from lucid_payments.core.money import Asset
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.selectors import outgoing_get
from wallets.custody import custody_addresses
from wallets.ledger.services import ledger_network_fee
from wallets.models.ledger import JournalEntry

logger = logging.getLogger(__name__)

# Statuses in which the transaction sits in a solidified block and its fee is known.
_IN_A_SOLID_BLOCK = (OutgoingStatus.FINAL, OutgoingStatus.FAILED)


def network_fee_reference(*, network: str, txid: str) -> str:
    return f"network-fee:{network}:{txid}"


def network_fee_on_outgoing(event: OutgoingEvent) -> None:
    """Book the fee of one of our transactions once it is in a solidified block (no
    network calls: the fee was read by the tracker)."""
    if event.status not in _IN_A_SOLID_BLOCK or not event.txid:
        return
    outgoing = outgoing_get(outgoing_id=event.outgoing_id)
    # A failure without a block (refused until it expired) has no fee: nothing burned.
    if outgoing is None or not outgoing.fee:
        return
    ours = (
        custody_addresses(network=outgoing.network).filter(address=outgoing.owner_address).exists()
    )
    if not ours:
        return  # a client's own relayed transaction: the fee was never in our custody
    reference = network_fee_reference(network=outgoing.network, txid=event.txid)
    if JournalEntry.objects.filter(reference=reference).exists():
        return  # booked already (the ledger would refuse a second booking anyway)
    ledger_network_fee(
        asset=Asset.TRX,
        amount=outgoing.fee,
        reference=reference,
        description=f"network fee of {outgoing.contract_type} {event.txid}",
        data={
            "txid": event.txid,
            "outgoing_id": event.outgoing_id,
            "network": outgoing.network,
            "from": outgoing.owner_address,
            "status": event.status,
            "block": event.block_number,
        },
    )
    logger.info("Booked network fee of %s SUN for %s", outgoing.fee, event.txid)
