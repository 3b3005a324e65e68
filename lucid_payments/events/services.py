"""Writes of events: one function, called by every app that changes a client's money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection

from lucid_payments.core.inserts import insert_unless_taken
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
    event = Event(type=type, client_id=client_id, object_id=object_id, data=dict(data), key=key)
    # One statement, and no savepoint: a twin racing on the key is waited for, not fatal.
    if not insert_unless_taken(event, conflict=("key",)):
        # A twin published this occurrence first (committed, or this very transaction).
        return Event.objects.get(key=key)
    publish_to_subscribers(event)
    return event
