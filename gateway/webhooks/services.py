"""Writes on webhook endpoints and deliveries: register, change, rotate, redeliver.

Each change locks the row, re-checks, saves and writes an audit entry in one transaction.
The URL is checked against the SSRF guard before the transaction (it resolves a name: a
network call).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from gateway.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookSecret,
)
from gateway.webhooks.queue import deliveries_enqueue
from gateway.webhooks.signing_secrets import ROTATION_OVERLAP, secret_add
from gateway.webhooks.ssrf import webhook_target
from lucid_payments.accounts.models import Client
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.models import AuditEvent
from wallets.models.keystore import SealedSecret


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown once, in the answer that made it


def endpoint_create(
    *,
    client: Client,
    url: str,
    events: Sequence[str],
    description: str,
    actor: AuditActor,
) -> EndpointWithSecret:
    """Register an endpoint with a fresh secret. Raises ``WebhookUrlNotAllowed``."""
    webhook_target(url)
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            client=client,
            url=url,
            events=list(events),
            description=description,
            created_at=now,
            updated_at=now,
        )
        idempotency_effect(endpoint)
        secret = secret_add(endpoint=endpoint, now=now)
        audit_log(
            actor=actor,
            action="webhook_endpoint.created",
            target=endpoint,
            data={"endpoint": endpoint.public_id, "url": url, "events": list(events)},
            client_id=client.pk,
        )
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: AuditActor,
    url: str | None = None,
    events: Sequence[str] | None = None,
    enabled: bool | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change what was given. Enabling clears why it was disabled and its failure streak;
    disabling through the API or the admin records who did it."""
    if url is not None:
        webhook_target(url)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes: dict[str, object] = {}
        if url is not None and url != locked.url:
            changes["url"] = locked.url = url
        if events is not None and list(events) != locked.events:
            changes["events"] = locked.events = list(events)
        if description is not None and description != locked.description:
            changes["description"] = locked.description = description
        if enabled is not None and enabled != locked.enabled:
            changes["enabled"] = locked.enabled = enabled
            locked.failing_since = None
            if enabled:
                locked.disabled_reason = DisabledReason.NONE
            else:
                locked.disabled_reason = (
                    DisabledReason.OPERATOR
                    if actor.type == AuditEvent.ActorType.OPERATOR
                    else DisabledReason.CLIENT
                )
        if changes:
            locked.updated_at = timezone.now()
            locked.save()
            audit_log(
                actor=actor,
                action="webhook_endpoint.updated",
                target=locked,
                data={"endpoint": locked.public_id, **changes},
                client_id=locked.client_id,
            )
    return locked


def endpoint_disable(
    *, endpoint_id: int, reason: DisabledReason, actor: AuditActor, detail: str
) -> bool:
    """Disable an endpoint for ``reason`` (410 Gone, failing for days); False if it already
    was. Its pending deliveries wait until it is enabled again."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if locked is None or not locked.enabled:
            return False
        locked.enabled = False
        locked.disabled_reason = reason
        locked.updated_at = timezone.now()
        locked.save(update_fields=["enabled", "disabled_reason", "updated_at"])
        audit_log(
            actor=actor,
            action="webhook_endpoint.disabled",
            target=locked,
            data={"endpoint": locked.public_id, "reason": str(reason), "detail": detail},
            client_id=locked.client_id,
        )
    return True


def endpoint_delete(*, endpoint: WebhookEndpoint, actor: AuditActor) -> None:
    """Delete the endpoint, its deliveries and its sealed secrets (events stay)."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        sealed_ids = list(
            WebhookSecret.objects.filter(endpoint=locked).values_list("sealed_id", flat=True)
        )
        audit_log(
            actor=actor,
            action="webhook_endpoint.deleted",
            target=locked,
            data={"endpoint": locked.public_id, "url": locked.url},
            client_id=locked.client_id,
        )
        locked.delete()
        SealedSecret.objects.filter(pk__in=sealed_ids).delete()


def endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, actor: AuditActor, now: datetime | None = None
) -> EndpointWithSecret:
    """A new current secret; the previous current one keeps signing for 24 h beside it.
    Secrets already rotated out keep their own (earlier) end."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        WebhookSecret.objects.filter(endpoint=locked, expires_at__isnull=True).update(
            expires_at=now + ROTATION_OVERLAP
        )
        secret = secret_add(endpoint=locked, now=now)
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        audit_log(
            actor=actor,
            action="webhook_endpoint.secret_rotated",
            target=locked,
            data={
                "endpoint": locked.public_id,
                "previous_valid_until": str(now + ROTATION_OVERLAP),
            },
            client_id=locked.client_id,
        )
    return EndpointWithSecret(endpoint=locked, secret=secret)


def delivery_redeliver(
    *, delivery: WebhookDelivery, actor: AuditActor, now: datetime | None = None
) -> WebhookDelivery:
    """Send the delivery again as a new round (the full retry schedule), with the same
    ``webhook-id``. A delivery still pending is sent now instead of at its next retry."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        previous = locked.status
        locked.status = DeliveryStatus.PENDING
        locked.round_attempts = 0
        locked.next_attempt_at = now
        locked.enqueued_at = None
        locked.save(update_fields=["status", "round_attempts", "next_attempt_at", "enqueued_at"])
        audit_log(
            actor=actor,
            action="webhook_delivery.redelivered",
            target=locked,
            data={"delivery": locked.public_id, "previous_status": previous},
            client_id=locked.endpoint.client_id,
        )
        delivery_id = locked.pk
        transaction.on_commit(lambda: deliveries_enqueue([delivery_id]), robust=True)
    return locked
