"""In-transaction subscribers of new events (the webhook deliveries' outbox rows).

``event_subscribe(handler)``: ``handler(event)`` runs INSIDE the transaction that writes
the event, so whatever it records commits with the event or not at all. Handlers must not
call the network.
"""

from __future__ import annotations

from collections.abc import Callable

from lucid_payments.events.models import Event

EventHandler = Callable[[Event], None]

_handlers: list[EventHandler] = []


def event_subscribe(handler: EventHandler) -> EventHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def event_unsubscribe(handler: EventHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def publish_to_subscribers(event: Event) -> None:
    for handler in list(_handlers):
        handler(event)
