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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction

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


def notify_status_change(outgoing: OutgoingTransaction, previous_status: str) -> None:
    event = OutgoingEvent(
        outgoing_id=outgoing.pk,
        reference=outgoing.reference,
        status=outgoing.status,
        previous_status=previous_status,
        txid=outgoing.txid,
        block_number=outgoing.block_number,
        failure_code=outgoing.failure_code,
        client_id=outgoing.client_id,
    )
    for locker in list(_lockers):
        locker(event)
    for handler in list(_handlers):
        handler(event)
