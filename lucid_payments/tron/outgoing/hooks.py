"""The one subscription point for outgoing-transaction status changes.

``outgoing_subscribe(handler)``: ``handler(event)`` runs INSIDE the database transaction that
records the change, after the row is saved, so a domain app (payout settled, hold released)
commits its own rows atomically with the status. Handlers must not call the network; an
exception in a handler rolls the status change back and the worker retries it later.
``outgoing_lock_subscribe(locker)``: ``locker(event)`` runs in the same transaction BEFORE
any handler, so an app can take, in one consistent order, every lock the handlers will need
(several handlers each locking their own rows in their own order would deadlock against
another transaction doing the same in a different order).
``OutgoingStatus`` is re-exported here as the vocabulary of ``OutgoingEvent.status``.

An event made by the recorder carries the row as it was just saved (``event.outgoing()``
answers from it, no read) and, when the transaction reached a solidified block, the
receipt that proved it (``event.receipt``): handlers need neither the database nor the
node for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from lucid_payments.tron.adapter.types import TransactionInfo
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.selectors import OutgoingView, outgoing_get, outgoing_view

__all__ = [
    "OutgoingEvent",
    "OutgoingHandler",
    "OutgoingStatus",
    "notify_status_change",
    "outgoing_lock_subscribe",
    "outgoing_subscribe",
    "outgoing_unsubscribe",
]


@dataclass(frozen=True)
class OutgoingEvent:
    outgoing_id: int
    reference: str
    status: str  # an OutgoingStatus value
    previous_status: str
    txid: str
    block_number: int | None
    failure_code: str
    client_id: int | None = None
    # The solidified receipt, on the change into FINAL or FAILED made from one.
    receipt: TransactionInfo | None = None
    _row: OutgoingTransaction | None = field(default=None, repr=False, compare=False)

    def outgoing(self) -> OutgoingView | None:
        """The transaction as the change saved it (read from the database only for an
        event made by hand)."""
        return self._view

    @cached_property
    def _view(self) -> OutgoingView | None:
        if self._row is not None:
            return outgoing_view(self._row)
        return outgoing_get(outgoing_id=self.outgoing_id)


OutgoingHandler = Callable[[OutgoingEvent], None]
_handlers: list[OutgoingHandler] = []
_lockers: list[OutgoingHandler] = []


def outgoing_lock_subscribe(locker: OutgoingHandler) -> None:
    """Register ``locker``, run before every handler (call from an ``AppConfig.ready``)."""
    if locker not in _lockers:
        _lockers.append(locker)


def outgoing_subscribe(handler: OutgoingHandler) -> None:
    """Register ``handler`` for every status change (call from an ``AppConfig.ready``)."""
    if handler not in _handlers:
        _handlers.append(handler)


def outgoing_unsubscribe(handler: OutgoingHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def notify_status_change(
    outgoing: OutgoingTransaction, previous_status: str, *, receipt: TransactionInfo | None = None
) -> None:
    event = OutgoingEvent(
        outgoing_id=outgoing.pk,
        reference=outgoing.reference,
        status=outgoing.status,
        previous_status=previous_status,
        txid=outgoing.txid,
        block_number=outgoing.block_number,
        failure_code=outgoing.failure_code,
        client_id=outgoing.client_id,
        receipt=receipt,
        _row=outgoing,
    )
    for locker in list(_lockers):
        locker(event)
    for handler in list(_handlers):
        handler(event)
