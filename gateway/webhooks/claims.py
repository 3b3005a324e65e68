"""Work claims on deliveries: compare-and-set on ``claimed_until``, at most
``WEBHOOK_MAX_IN_FLIGHT`` per endpoint.

A worker owns a delivery while ``claimed_until`` is in the future. One killed mid-send
never gives its claim back; the lease runs out and the delivery is claimed and sent again
(the receiver may see the same ``webhook-id`` twice; it never misses it). The endpoint's row
lock serialises the in-flight count, in a transaction that makes no network call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from gateway.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from gateway.webhooks.sender import TIMEOUT_S

# Longer than one send can take (15 s per network step), so a live worker keeps its claim.
LEASE = timedelta(seconds=4 * TIMEOUT_S)


def _free(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def delivery_claim(
    *, endpoint_id: int, now: datetime, delivery_id: int | None = None
) -> tuple[int, datetime] | None:
    """Claim ``delivery_id`` (or the endpoint's most overdue delivery when None) if it is
    pending, due and free, and the endpoint is enabled and under its in-flight limit.
    Returns (delivery id, release token) or None."""
    until = now + LEASE
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=endpoint_id, enabled=True)
            .values_list("pk", flat=True)
            .first()
        )
        if endpoint is None:
            return None
        pending = WebhookDelivery.objects.filter(
            endpoint_id=endpoint_id, status=DeliveryStatus.PENDING
        )
        in_flight = pending.filter(claimed_until__gt=now).count()
        if in_flight >= int(settings.WEBHOOK_MAX_IN_FLIGHT):
            return None
        candidates = pending.filter(_free(now), next_attempt_at__lte=now)
        if delivery_id is not None:
            candidates = candidates.filter(pk=delivery_id)
        chosen = candidates.order_by("next_attempt_at", "id").values_list("pk", flat=True).first()
        if chosen is None:
            return None
        claimed = candidates.filter(pk=chosen).update(claimed_until=until)
    return (chosen, until) if claimed == 1 else None


def delivery_release(*, delivery_id: int, token: datetime) -> None:
    """Give the claim back, unless it ran out and somebody else holds a newer one."""
    WebhookDelivery.objects.filter(pk=delivery_id, claimed_until=token).update(claimed_until=None)
