"""Reads of events, always scoped to one client."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lucid_payments.core.errors import InvalidInput, NotFound
from lucid_payments.core.paging import Page, Window
from lucid_payments.core.transaction_ids import OldestRunningTransactionId, OwnTransactionId
from lucid_payments.events.models import Event


def event_get(*, client_id: int, event_id: str) -> Event:
    """One of the client's events; another client's is 404 exactly as a missing one."""
    event = Event.objects.filter(client_id=client_id, public_id=event_id).first()
    if event is None:
        raise NotFound("No such event.", code="event_not_found")
    return event


def event_page(
    *,
    client_id: int,
    window: Window,
    type_pattern: str | None = None,
    object_id: str | None = None,
) -> Page[Event]:
    """The client's events, newest first, ``limit`` at a time. ``starting_after`` (an
    event id from the previous page) continues with the events older than it.

    Only events of transactions older than every transaction still running are listed,
    in (transaction, id) order (see ``models``): an event that commits later sorts after
    everything listed now, so neither paging nor a client that catches up from the newest
    event it saw can skip one. A transaction sees its own events, as it sees its own
    rows. An event shows here once the transactions that began before its own have
    ended, usually within a second."""
    settled = Q(xact__lt=OldestRunningTransactionId()) | Q(xact=OwnTransactionId())
    events: QuerySet[Event] = Event.objects.filter(settled, client_id=client_id)
    if type_pattern is not None and type_pattern != "*":
        if type_pattern.endswith(".*"):
            events = events.filter(type__startswith=type_pattern[:-1])
        else:
            events = events.filter(type=type_pattern)
    if object_id is not None:
        events = events.filter(object_id=object_id)
    events = window.created(events)
    if window.starting_after is not None:
        cursor = Event.objects.filter(client_id=client_id, public_id=window.starting_after).first()
        if cursor is None:
            raise InvalidInput(
                "starting_after is not one of your events.",
                code="invalid_cursor",
                fields={"starting_after": ["Not one of your events."]},
            )
        events = events.filter(Q(xact__lt=cursor.xact) | Q(xact=cursor.xact, id__lt=cursor.pk))
    rows = list(events.order_by("-xact", "-id")[: window.limit + 1])
    return Page(rows[: window.limit], len(rows) > window.limit)
