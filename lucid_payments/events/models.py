"""An event: one thing that happened to a client's money, as the API showed it then.

Append-only (the database refuses UPDATE and DELETE, see migration 0002); ``public_id``
is what the client sees.

Readers page by (``xact``, ``id``), not by ``id`` alone. An id is drawn when a row is
inserted, not when its transaction commits: a transaction that inserted id 7 and commits
after another's id 8 would be skipped by a client that had already read past 8. ``xact``
is the inserting transaction's id, and a reader lists only events of transactions older
than every transaction still running (``selectors``): whatever commits later has a
greater ``xact`` than anything already shown, so paging never skips an event.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lucid_payments.core.public_ids import public_id
from lucid_payments.core.transaction_ids import CurrentTransactionId

PUBLIC_ID_PREFIX = "evt"


def new_event_id() -> str:
    return public_id(PUBLIC_ID_PREFIX)


class Event(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_event_id, editable=False)
    type = models.CharField(max_length=64, help_text="e.g. deposit.credited")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    # The id of the object the event is about, as the API names it (a txid:index, a
    # transfer id, a KYC application id); clients filter on it.
    object_id = models.CharField(max_length=128)
    data = models.JSONField(help_text="the object as the API showed it at that moment")
    # Names the occurrence, so that a publisher run twice writes one event (null: none).
    key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    xact = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["client", "-xact", "-id"], name="event_client_newest"),
            models.Index(
                fields=["client", "type", "-xact", "-id"], name="event_client_type_newest"
            ),
            models.Index(fields=["client", "object_id"], name="event_client_object"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.type}"
