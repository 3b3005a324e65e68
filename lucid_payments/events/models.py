"""An event: one thing that happened to a client's money, as the API showed it then.

Append-only (the database refuses UPDATE and DELETE, see migration 0001). ``id`` orders
events as they were committed for a reader that pages by it; ``public_id`` is what the
client sees.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lucid_payments.core.public_ids import public_id

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

    class Meta:
        indexes = [
            models.Index(fields=["client", "-id"], name="event_client_newest"),
            models.Index(fields=["client", "type", "-id"], name="event_client_type_newest"),
            models.Index(fields=["client", "object_id"], name="event_client_object"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.type}"
