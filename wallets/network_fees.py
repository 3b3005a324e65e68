"""Network fees: TRX our own transactions burned on chain, booked as a platform expense.

Every transaction sent from one of our addresses (a hot-wallet transfer, a sweep, a USDT
payout, a staking call) may burn TRX for bandwidth, energy or the activation of a new
account. The chain takes that from our address, so the ledger must take it from custody
too, or ``reconcile`` finds the platform short by exactly the fees.

Run from the outgoing-transaction hook (``wallets.transaction_costs``): when a
transaction of ours ends in a block (final, or failed on chain, which burns its fee as
well) the tracker has already stored the fee from the solidified ``TransactionInfo`` on
the row, in the transaction that is running this handler. The entry is booked in that
same transaction, so the status and the fee commit together. The reference names the
chain transaction, so it is booked once however often the handler runs.
"""

from __future__ import annotations

import logging

from lucid_payments.core.money import Asset
from lucid_payments.tron.selectors import OutgoingView
from wallets.ledger.services import ledger_network_fee

logger = logging.getLogger(__name__)


def network_fee_reference(*, network: str, txid: str) -> str:
    return f"network-fee:{network}:{txid}"


def network_fee_book(outgoing: OutgoingView) -> None:
    """Book the TRX one of our transactions burned, once it ended (final or failed) with a
    txid; the caller checked that and that it is ours. No network calls: the fee was read
    by the tracker."""
    # A failure without a block (refused until it expired) has no fee: nothing burned.
    if not outgoing.fee:
        return
    reference = network_fee_reference(network=outgoing.network, txid=outgoing.txid)
    # Booked once: the same reference with the same legs again books nothing.
    ledger_network_fee(
        asset=Asset.TRX,
        amount=outgoing.fee,
        reference=reference,
        description=f"network fee of {outgoing.contract_type} {outgoing.txid}",
        data={
            "txid": outgoing.txid,
            "outgoing_id": outgoing.id,
            "network": outgoing.network,
            "from": outgoing.owner_address,
            "status": outgoing.status,
            "block": outgoing.block_number,
        },
    )
    logger.info("Booked network fee of %s SUN for %s", outgoing.fee, outgoing.txid)
