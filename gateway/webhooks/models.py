"""Webhook endpoints, their sealed secrets, and the deliveries of events to them.

One delivery per (endpoint, event), written in the event's transaction (the outbox); each
try is a ``WebhookAttempt``. A worker owns a delivery while ``claimed_until`` is in the
future (compare-and-set): a worker killed mid-send never releases it, the lease runs out
and the delivery is sent again with the same ``webhook-id`` (a duplicate, never a loss).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lucid_payments.core.public_ids import public_id

ENDPOINT_ID_PREFIX = "we"
DELIVERY_ID_PREFIX = "whd"


def new_endpoint_id() -> str:
    return public_id(ENDPOINT_ID_PREFIX)


def new_delivery_id() -> str:
    return public_id(DELIVERY_ID_PREFIX)


class DisabledReason(models.TextChoices):
    NONE = "", "Enabled"
    CLIENT = "client", "Disabled by the client"
    OPERATOR = "operator", "Disabled by an operator"
    GONE = "gone", "The receiver answered 410 Gone"
    FAILING = "failing", "Every delivery failed for 5 days"


class WebhookEndpoint(models.Model):
    public_id = models.CharField(
        max_length=32, unique=True, default=new_endpoint_id, editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=2048)
    # Patterns: "*", "<object>.*" or an event type (lucid_payments.events.types).
    events = models.JSONField(default=list)
    description = models.CharField(max_length=500, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(
        max_length=16, choices=DisabledReason.choices, blank=True, default=DisabledReason.NONE
    )
    # When the current run of failed attempts began (null after any success): an endpoint
    # failing for 5 days straight is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "-id"], name="webhook_endpoint_client")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.url}"


class WebhookSecret(models.Model):
    """A signing secret of an endpoint, sealed by the keystore. The current one has no
    ``expires_at``; a rotated-out one keeps signing until its ``expires_at``."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="secrets")
    sealed = models.OneToOneField(
        "wallets.SealedSecret", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"secret {self.pk} of {self.endpoint_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    public_id = models.CharField(
        max_length=32, unique=True, default=new_delivery_id, editable=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Attempts in the current round (a redelivery starts a new round); indexes the schedule.
    round_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When the sweep last handed it to a worker's queue, so a queued delivery is not
    # enqueued again every round (a lost task is re-enqueued after a grace period).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Copied from the event so the admin and the client filter by type without a join.
    event_type = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="one_delivery_per_event")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.event_type} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One try: when, what the receiver answered (or why nothing was sent), how long."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    # The first 1 KB of the answer, or the error when there was none.
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.delivery_id}: {self.status_code or self.error}"
