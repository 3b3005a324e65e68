"""The crash window of an Idempotency-Key, for the tests of every view that moves money.

A process killed (SIGKILL) after its service's transaction committed and before the
stored response did leaves exactly this behind: the record ``in_progress`` with no
response, the effect the service wrote with its object, and no advisory lock (it went
with the connection). ``abandon_after_commit`` turns a finished request into that state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lucid_payments.core.models import AuditEvent, IdempotencyRecord
from lucid_payments.events.models import Event
from lucid_payments.tron.models import OutgoingTransaction
from wallets.models.ledger import Hold, JournalEntry


def abandon_after_commit(key: str) -> IdempotencyRecord:
    record = IdempotencyRecord.objects.get(key=key)
    assert record.effect_pk, "the service recorded no effect for this key"
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.State.IN_PROGRESS,
        response_status=None,
        response_body=None,
        response_headers=[],
    )
    return record


@dataclass(frozen=True)
class Footprint:
    """What a second run of the work would add to: the ledger, the chain queue, events."""

    journal_entries: int
    holds: int
    outgoing: int
    events: int
    audit_events: int

    @classmethod
    def now(cls) -> Footprint:
        return cls(
            journal_entries=JournalEntry.objects.count(),
            holds=Hold.objects.count(),
            outgoing=OutgoingTransaction.objects.count(),
            events=Event.objects.count(),
            audit_events=AuditEvent.objects.count(),
        )


def assert_replayed(first: Any, retried: Any) -> None:
    """The retry is the first answer again, marked as a replay."""
    assert retried.status_code == first.status_code, retried.content
    assert retried["Idempotent-Replayed"] == "true"
    assert retried.json()["id"] == first.json()["id"]
