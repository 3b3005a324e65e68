"""What one of our transactions cost, settled when it ends in a solidified block.

One outgoing hook for both halves, so the transaction is read and checked as ours once:
the TRX it burned is booked in the transaction that records its end (``network_fees``),
and the split of its receipt is recorded once that commits (``fee_receipts``).
"""

from __future__ import annotations

from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from wallets.fee_receipts import transaction_fee_after_commit, transaction_is_ours
from wallets.network_fees import network_fee_book


def transaction_costs_on_outgoing(event: OutgoingEvent) -> None:
    """Hook: book and record the costs of one of ours once it is in a solidified block."""
    if event.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED) or not event.txid:
        return
    outgoing = event.outgoing()
    if outgoing is None or not transaction_is_ours(outgoing):
        return  # a client's own relayed transaction: its costs were never in our custody
    network_fee_book(outgoing)
    transaction_fee_after_commit(outgoing, event.receipt)
