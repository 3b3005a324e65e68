"""Sending deliveries: claim, check the URL, sign, POST, record the attempt, schedule the
next one. Never inside a database transaction: the claim and the record are each their
own short transaction, the send sits between them.

Time and randomness are parameters (``now``, ``rand``) so tests run the schedule without
waiting; the ``webhook-timestamp`` is always the wall clock of the send, as receivers
check it against theirs.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from gateway.webhooks.claims import delivery_claim, delivery_release
from gateway.webhooks.metrics import WEBHOOK_ATTEMPTS, WEBHOOK_DELIVERIES_FAILED
from gateway.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from gateway.webhooks.retry_schedule import retry_delay
from gateway.webhooks.sender import SendOutcome, send
from gateway.webhooks.services import endpoint_disable
from gateway.webhooks.signing_secrets import signing_keys
from gateway.webhooks.ssrf import WebhookUrlNotAllowed, webhook_target
from lucid_payments.core.audit import AuditActor
from lucid_payments.events.models import Event

logger = logging.getLogger(__name__)

# An endpoint whose every attempt failed for this long is disabled.
FAILING_LIMIT = timedelta(days=5)
# One task keeps sending an endpoint's due deliveries for up to this long, so a backlog
# held back by the in-flight limit drains without waiting for the sweep.
DRAIN_BUDGET_S = 30.0
SYSTEM = AuditActor.system("webhook_delivery")
REFUSED = "refused by the SSRF guard"


def delivery_body(event: Event) -> bytes:
    """The Standard Webhooks payload; the same bytes on every attempt."""
    payload = {"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.data}
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def delivery_headers(
    *, event_id: str, body: bytes, keys: list[bytes], sent_at: datetime
) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature (one ``v1,`` signature per
    key, space-separated, as the spec allows during a rotation)."""
    signatures = [Webhook(key).sign(msg_id=event_id, timestamp=sent_at, data=body) for key in keys]
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


@dataclass(frozen=True)
class AttemptResult:
    delivery_id: int
    outcome: str  # delivered | retry | failed | gone | refused | skipped


def _send_once(delivery: WebhookDelivery, *, now: datetime) -> SendOutcome:
    try:
        target = webhook_target(delivery.endpoint.url)  # resolved again: DNS may have changed
    except WebhookUrlNotAllowed as exc:
        return SendOutcome(None, 0, "", f"{REFUSED}: {exc.message}")
    body = delivery_body(delivery.event)
    keys = [key.reveal() for key in signing_keys(endpoint_id=delivery.endpoint_id, now=now)]
    if not keys:
        return SendOutcome(None, 0, "", "the endpoint has no signing secret")
    headers = delivery_headers(
        event_id=delivery.event.public_id, body=body, keys=keys, sent_at=timezone.now()
    )
    return send(target=target, body=body, headers=headers)


def _outcome_name(result: SendOutcome) -> str:
    if result.status_code is not None and 200 <= result.status_code < 300:
        return "delivered"
    if result.status_code == 410:
        return "gone"
    return "retry"


def _record(
    *,
    delivery_id: int,
    started_at: datetime,
    result: SendOutcome,
    now: datetime,
    rand: random.Random,
) -> str:
    """Store the attempt and move the delivery on, in one transaction. A delivery already
    delivered (a duplicate send after a lost lease) keeps its first outcome."""
    outcome = _outcome_name(result)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:  # the endpoint was deleted meanwhile
            return "skipped"
        WebhookAttempt.objects.create(
            delivery=delivery,
            started_at=started_at,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            succeeded=outcome == "delivered",
            response_excerpt=result.excerpt,
            error=result.error,
        )
        if delivery.status != DeliveryStatus.PENDING:
            return "skipped"
        endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
        delivery.enqueued_at = None
        if outcome == "delivered":
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            endpoints.exclude(failing_since=None).update(failing_since=None)
        elif outcome == "gone":
            delivery.status = DeliveryStatus.FAILED
            endpoint_disable(
                endpoint_id=delivery.endpoint_id,
                reason=DisabledReason.GONE,
                actor=SYSTEM,
                detail=f"410 Gone for {delivery.public_id}",
            )
        else:
            delivery.round_attempts += 1
            delay = retry_delay(delivery.round_attempts, rand=rand)
            if delay is None:
                delivery.status = DeliveryStatus.FAILED
                outcome = "failed"
            else:
                delivery.next_attempt_at = now + delay
                if result.error.startswith(REFUSED):
                    outcome = "refused"
            endpoints.filter(failing_since=None).update(failing_since=now)
            failing_since = endpoints.values_list("failing_since", flat=True).first()
            if failing_since is not None and now - failing_since >= FAILING_LIMIT:
                endpoint_disable(
                    endpoint_id=delivery.endpoint_id,
                    reason=DisabledReason.FAILING,
                    actor=SYSTEM,
                    detail=f"every attempt failed since {failing_since.isoformat()}",
                )
        delivery.save(
            update_fields=[
                "status",
                "delivered_at",
                "round_attempts",
                "next_attempt_at",
                "enqueued_at",
            ]
        )
    return outcome


def delivery_attempt(
    *,
    endpoint_id: int,
    delivery_id: int | None = None,
    now: datetime | None = None,
    rand: random.Random | None = None,
) -> AttemptResult | None:
    """Claim one due delivery of the endpoint (``delivery_id``, or the most overdue one),
    send it and record the attempt. None when there was nothing to claim."""
    now = now or timezone.now()
    rand = rand or random.Random()  # noqa: S311 - jitter, not a secret
    claim = delivery_claim(endpoint_id=endpoint_id, delivery_id=delivery_id, now=now)
    if claim is None:
        return None
    claimed_id, token = claim
    try:
        delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=claimed_id)
        try:
            result = _send_once(delivery, now=now)
        except Exception as exc:
            # Our own fault (the keystore, a bug): still an attempt on the schedule, with a
            # trace in the log, rather than a task failing every minute without one.
            logger.exception("webhook delivery %s could not be sent", delivery.public_id)
            result = SendOutcome(None, 0, "", f"internal error: {type(exc).__name__}")
        outcome = _record(delivery_id=claimed_id, started_at=now, result=result, now=now, rand=rand)
    finally:
        delivery_release(delivery_id=claimed_id, token=token)
    WEBHOOK_ATTEMPTS.labels(outcome).inc()
    if outcome == "failed":  # the operator alert: every attempt of the schedule failed
        WEBHOOK_DELIVERIES_FAILED.inc()
        logger.warning("webhook delivery %s failed for good", delivery.public_id)
    logger.info(
        "webhook delivery %s attempt: %s (status %s, %d ms)",
        delivery.public_id,
        outcome,
        result.status_code,
        result.latency_ms,
    )
    return AttemptResult(delivery_id=claimed_id, outcome=outcome)


def delivery_drain(
    *,
    delivery_id: int,
    now: Callable[[], datetime] = timezone.now,
    rand: random.Random | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    """Send ``delivery_id`` if it is due, then the endpoint's other due deliveries for up
    to ``DRAIN_BUDGET_S``. Returns attempts made. Safe to run twice (claims)."""
    endpoint_id = (
        WebhookDelivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    )
    if endpoint_id is None:
        return 0
    deadline = monotonic() + DRAIN_BUDGET_S
    made = 0
    wanted: int | None = delivery_id
    while True:
        attempt = delivery_attempt(
            endpoint_id=endpoint_id, delivery_id=wanted, now=now(), rand=rand
        )
        if attempt is None:
            return made
        made += 1
        if monotonic() >= deadline:
            return made
        wanted = None
