"""Take an outgoing transaction's ledger locks before its hooks book anything.

When an outgoing transaction ends (final or failed) several hooks book in the one database
transaction that records it: the network fee it burned (platform custody and network-fee
accounts), then or before that the settlement or release of its hold (the client's held
account and platform custody), in the order the apps subscribed. Each booking locks its
own accounts in id order, but two endings whose bookings take those groups in a different
order (a TRX fee first and a USDT settlement second, against the reverse) deadlock on the
platform's accounts. Locking the platform's and the client's accounts first, in one
statement in id order, gives every such transaction the same order; the bookings after it
only re-take locks they hold.
"""

from __future__ import annotations

from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_lock_owner_accounts

# The statuses whose hooks move money: every hold is settled or released at one of them.
_BOOKING_STATUSES = (OutgoingStatus.FINAL, OutgoingStatus.FAILED)


def ledger_lock_on_outgoing(event: OutgoingEvent) -> None:
    if event.status not in _BOOKING_STATUSES:
        return
    owners = [LedgerOwner.platform()]
    if event.client_id is not None:
        owners.append(LedgerOwner.client(event.client_id))
    ledger_lock_owner_accounts(owners=owners)
