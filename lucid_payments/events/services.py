"""Writes of events: one function, called by every app that changes a client's money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection

from lucid_payments.events.hooks import publish_to_subscribers
from lucid_payments.events.models import Event
from lucid_payments.events.types import event_type_get

# Written by the application; ``id`` and ``xact`` come back from the database.
_WRITTEN = ("public_id", "type", "client_id", "object_id", "data", "key", "created_at")
_INSERT_UNLESS_KEY_TAKEN = (
    "INSERT INTO events_event (public_id, type, client_id, object_id, data, key, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO NOTHING RETURNING id, xact"
)


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
    if not _insert_unless_key_taken(event):
        # A twin published this occurrence first (committed, or this very transaction).
        return Event.objects.get(key=key)
    publish_to_subscribers(event)
    return event


def _insert_unless_key_taken(event: Event) -> bool:
    """One statement: insert ``event`` unless its key is taken, and say whether it was.

    ON CONFLICT on the key, rather than a look-up and an insert under a savepoint: a twin
    racing on the same key makes this statement wait for the twin's transaction and then
    insert nothing (or insert, if the twin rolled back), without aborting the caller's
    transaction. A null key never conflicts; any other violation raises as usual.
    """
    fields = {field.attname: field for field in Event._meta.concrete_fields}
    params = [fields[name].get_db_prep_save(getattr(event, name), connection) for name in _WRITTEN]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_UNLESS_KEY_TAKEN, params)
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.xact = row
    event._state.adding = False
    event._state.db = connection.alias
    return True
