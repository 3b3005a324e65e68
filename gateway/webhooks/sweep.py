"""The sweep: due deliveries whose task was lost (a crash after the commit, a worker
killed mid-send, a retry coming due) are handed to the workers again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gateway.webhooks.models import DeliveryStatus, WebhookDelivery
from gateway.webhooks.queue import deliveries_enqueue

# A delivery handed to the queue is not handed again for this long: its task is probably
# still waiting for a worker. Past it, the task is presumed lost.
ENQUEUE_GRACE = timedelta(seconds=60)
BATCH = 500


def deliveries_due(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Enqueue up to ``limit`` due deliveries of enabled endpoints that no worker holds and
    that were not enqueued within the grace period. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
                endpoint__enabled=True,
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - ENQUEUE_GRACE))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(enqueued_at=now)
            transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
    return len(ids)
