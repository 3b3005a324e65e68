"""Writes of events: one function, called by every app that changes a client's money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connection, transaction

from lucid_payments.events.hooks import publish_to_subscribers
from lucid_payments.events.models import Event
from lucid_payments.events.types import event_type_get


def event_publish(
    *,
    type: str,
    client_id: int,
    object_id: str,
    data: Mapping[str, Any],
    key: str | None = None,
) -> Event:
    """Record that ``type`` happened to ``object_id`` of ``client_id``, with ``data`` the
    object as the API shows it now.

    Must run inside the transaction that makes the change (the outbox): the event then
    commits with it, or not at all. ``key`` names the occurrence (e.g. the transfer and
    block a deposit was seen in): a second publish under the same key returns the first
    event instead of writing another, so a handler that runs twice publishes once.
    """
    if event_type_get(type) is None:
        raise ValueError(f"unknown event type {type!r}: register it with event_type_register")
    if not connection.in_atomic_block:
        raise RuntimeError("event_publish must run in the transaction of the change it reports")
    if key is not None:
        existing = Event.objects.filter(key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():  # a racing twin's insert must not abort the caller
            event = Event.objects.create(
                type=type, client_id=client_id, object_id=object_id, data=dict(data), key=key
            )
    except IntegrityError:
        if key is None:
            raise
        return Event.objects.get(key=key)
    publish_to_subscribers(event)
    return event
