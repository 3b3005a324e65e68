"""Models of the shared kernel: the audit log and stored idempotent responses."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One thing somebody (or something) did, kept forever.

    Rows are append-only: a database trigger (migration 0002) refuses UPDATE and DELETE, so
    not even a bug or a careless shell session can rewrite history. Write through
    ``lucid_payments.core.audit.audit_log``.
    """

    class ActorType(models.TextChoices):
        OPERATOR = "operator", "Operator"
        API_KEY = "api_key", "API key"
        SYSTEM = "system", "System"

    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    # Strings, not foreign keys: the log must outlive the users, keys and objects it names.
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100, help_text='Dotted verb, e.g. "kyc.approved".')
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True, help_text="Tenant, if any.")
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["-created_at"], name="core_audit_created"),
            models.Index(fields=["action", "-created_at"], name="core_audit_action"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            models.Index(fields=["client_id", "-created_at"], name="core_audit_client"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor_type__in=["operator", "api_key", "system"]),
                name="core_audit_actor_type_valid",
            ),
        ]

    def __str__(self) -> str:
        target = f" {self.object_type}#{self.object_id}" if self.object_type else ""
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}{target}"


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one client, and the response it produced.

    The row exists while the first request runs (``in_progress``) and then keeps the
    response to replay (``completed``) until ``expires_at``. Who runs a key right now is
    decided by a PostgreSQL advisory lock, not by this row (see core.idempotency).
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    scope = models.CharField(max_length=64, help_text='Whose key, e.g. "client:42".')
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="sha256 of method, path and canonical body."
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # Bytes, not parsed JSON: a replay must be byte-for-byte the first answer.
    response_body = models.BinaryField(null=True, blank=True)
    response_headers = models.JSONField(default=list, blank=True)
    # What the request created, written by the service inside its own transaction
    # (core.idempotency.idempotency_effect): a retry after a crash replays it, never redoes it.
    effect_model = models.CharField(
        max_length=100, blank=True, default="", help_text='e.g. "payouts.Payout".'
    )
    effect_pk = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_scope_key"),
            models.CheckConstraint(
                condition=models.Q(state="in_progress")
                | models.Q(state="completed", response_status__isnull=False),
                name="core_idempotency_completed_has_response",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="core_idempotency_expires")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} ({self.state})"
