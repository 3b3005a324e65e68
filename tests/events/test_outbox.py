"""The outbox: an event commits with its change or not at all, once per occurrence, and is
never changed afterwards."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from lucid_payments.accounts.services import client_create
from lucid_payments.events.hooks import event_subscribe, event_unsubscribe
from lucid_payments.events.models import Event
from lucid_payments.events.services import event_publish

pytestmark = pytest.mark.django_db(transaction=True)

DATA = {"id": "t1:0", "status": "seen"}


def _publish(client_id: int, key: str | None = None) -> Event:
    return event_publish(
        type="deposit.seen", client_id=client_id, object_id="t1:0", data=DATA, key=key
    )


def test_an_event_of_a_rolled_back_change_never_exists() -> None:
    tenant = client_create(name="rolled-back")
    seen: list[str] = []

    def subscriber(event: Event) -> None:
        seen.append(event.public_id)

    event_subscribe(subscriber)
    try:
        with pytest.raises(RuntimeError, match="the change failed"), transaction.atomic():
            _publish(tenant.pk)
            raise RuntimeError("the change failed")
    finally:
        event_unsubscribe(subscriber)

    assert seen  # subscribers ran inside the transaction…
    assert not Event.objects.exists()  # …and nothing of it survived the rollback


def test_an_event_commits_with_its_change_and_has_a_random_public_id() -> None:
    tenant = client_create(name="committed")
    with transaction.atomic():
        first = _publish(tenant.pk)
        second = _publish(tenant.pk)

    assert Event.objects.count() == 2
    for event in (first, second):
        assert re.fullmatch(r"evt_[0-9A-Za-z]{22}", event.public_id)
    assert first.public_id != second.public_id


def test_publishing_outside_the_changes_transaction_is_refused() -> None:
    tenant = client_create(name="autocommit")
    with pytest.raises(RuntimeError, match="transaction of the change"):
        _publish(tenant.pk)
    assert not Event.objects.exists()


def test_an_unknown_type_is_refused() -> None:
    tenant = client_create(name="unknown-type")
    with pytest.raises(ValueError, match="unknown event type"), transaction.atomic():
        event_publish(type="deposit.lost", client_id=tenant.pk, object_id="x", data={})


def test_one_occurrence_published_twice_is_one_event() -> None:
    tenant = client_create(name="twice")
    with transaction.atomic():
        first = _publish(tenant.pk, key="deposit.seen:devnet:t1:0:b1")
    with transaction.atomic():
        again = _publish(tenant.pk, key="deposit.seen:devnet:t1:0:b1")

    assert again.pk == first.pk
    assert Event.objects.count() == 1


def test_events_are_append_only_in_the_database() -> None:
    tenant = client_create(name="append-only")
    with transaction.atomic():
        event = _publish(tenant.pk)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(type="deposit.credited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).type == "deposit.seen"


def test_an_event_committed_late_is_never_behind_a_cursor_already_read() -> None:
    """Ids are drawn at insert, not at commit: the first transaction's event has the lower
    id but commits last. A reader must not see the second's event before the first's can
    be seen, or a client that caught up past it would never see the first."""
    from lucid_payments.core.paging import Window
    from lucid_payments.events.selectors import event_page

    tenant = client_create(name="late-commit")
    inserted, release = threading.Event(), threading.Event()
    slow_ids: list[str] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                slow_ids.append(_publish(tenant.pk).public_id)
                inserted.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        assert inserted.wait(timeout=30)
        with transaction.atomic():
            fast = _publish(tenant.pk)

        while_open = event_page(client_id=tenant.pk, window=Window(limit=10)).items
        assert fast.public_id not in [e.public_id for e in while_open]
    finally:
        release.set()
        writer.join()

    # Listing waits for every older write transaction of the server, and the server may be
    # shared (another test run's database): give those a moment to end.
    deadline = time.monotonic() + 30
    while True:
        page = event_page(client_id=tenant.pk, window=Window(limit=10))
        after = [e.public_id for e in page.items]
        if len(after) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert after == [fast.public_id, slow_ids[0]]  # newest (last to start writing) first


def test_publishing_takes_one_statement_of_the_events_table_and_no_savepoint() -> None:
    tenant = client_create(name="statements")
    with transaction.atomic(), CaptureQueriesContext(connection) as first:
        _publish(tenant.pk, key="k-statements")
    with transaction.atomic(), CaptureQueriesContext(connection) as again:
        twin = _publish(tenant.pk, key="k-statements")

    def of_events(captured: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in captured.captured_queries if "events_event" in q["sql"]]

    assert not [q for q in first.captured_queries if "SAVEPOINT" in q["sql"]]
    assert len(of_events(first)) == 1  # the insert; subscribers' own reads come on top
    assert len(again.captured_queries) == 2  # the insert that did nothing, the look-up
    assert twin.key == "k-statements"
    assert Event.objects.count() == 1
