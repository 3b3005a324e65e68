"""The one subscription point for outgoing-transaction status changes.

``outgoing_subscribe(handler)``: ``handler(event)`` runs INSIDE the database transaction that
records the change, after the row is saved, so a domain app (payout settled, hold released)
commits its own rows atomically with the status. Handlers must not call the network; an
exception in a handler rolls the status change back and the worker retries it later.
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


OutgoingHandler = Callable[[OutgoingEvent], None]
_handlers: list[OutgoingHandler] = []


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
    )
    for handler in list(_handlers):
        handler(event)
