"""Batches of payouts: up to 1,000 payouts accepted together, all or none, and released
for sending at once (``immediate``) or at the next UTC hour or day boundary.

Every item is a ``Payout`` from the moment the batch is accepted: its amount and fee are
held then, so a batch can never overdraw later; a scheduled item waits in the
``scheduled`` status until its batch is released.
"""

from __future__ import annotations

from django.db import models

from lucid_payments.core.public_ids import public_id

PAYOUT_BATCH_ID_PREFIX = "pob"
MAX_BATCH_ITEMS = 1_000


def new_payout_batch_id() -> str:
    return public_id(PAYOUT_BATCH_ID_PREFIX)


class PayoutBatchSchedule(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    HOURLY = "hourly", "At the next full UTC hour"
    DAILY = "daily", "At the next UTC midnight"


class PayoutBatchStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"  # items held, waiting for release_at
    PROCESSING = "processing", "Processing"  # released: items are on their way
    COMPLETED = "completed", "Completed"  # every item ended (confirmed, failed, cancelled)


class PayoutBatch(models.Model):
    public_id = models.CharField(
        max_length=32, unique=True, default=new_payout_batch_id, editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    schedule = models.CharField(max_length=16, choices=PayoutBatchSchedule.choices)
    status = models.CharField(max_length=16, choices=PayoutBatchStatus.choices)
    item_count = models.PositiveIntegerField()
    release_at = models.DateTimeField(help_text="when the items are handed to the sender")
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "payout batches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item_count__gte=1, item_count__lte=MAX_BATCH_ITEMS),
                name="payout_batch_item_count_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-id"], name="payout_batch_client_newest"),
            models.Index(fields=["status", "release_at"], name="payout_batch_due"),
        ]

    def __str__(self) -> str:
        return self.public_id


class PayoutBatchItem(models.Model):
    """The payout made of the batch's item at ``position`` (0-based, the request's order)."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField()
    payout = models.OneToOneField(
        "payouts.Payout", on_delete=models.PROTECT, related_name="batch_item"
    )

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "position"], name="payout_batch_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"item {self.position} of {self.batch_id}"
