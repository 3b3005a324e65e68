"""Releasing scheduled batches at their boundary, sending a released batch's items in
order, and noticing when a batch has ended.

``payout_batches_tick`` runs once a minute (and is safe to run twice, or concurrently):
every batch whose ``release_at`` has passed is released under its row lock (its
``scheduled`` items become ``queued`` in one statement and one task sends them in
position order), and every released batch whose items have all ended is completed. A
lost send task is caught up by ``payouts_resume`` like any queued payout.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lucid_payments.core.audit import AuditActor, audit_log
from payouts.batch_events import payout_batch_event_publish
from payouts.batch_models import PayoutBatch, PayoutBatchStatus
from payouts.models import ENDED_STATUSES, Payout, PayoutStatus
from payouts.sending import ShortWallets, payout_send

logger = logging.getLogger(__name__)

ACTOR = AuditActor.system("payouts.batches")


def _enqueue_batch_send(batch_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("payouts.batch_tasks.payout_batch_send_task", batch_id)
    except Exception:  # a broker hiccup must not undo the release; resume sends them
        logger.exception("could not enqueue batch %s; the resume task will send it", batch_id)


def payout_batch_send(*, batch_id: int) -> int:
    """Send the batch's queued items in position order; returns how many left the queue.
    ``payout_send`` acts only on a queued payout, so a twin run sends nothing twice."""
    queued = (
        Payout.objects.filter(batch_item__batch_id=batch_id, status=PayoutStatus.QUEUED)
        .order_by("batch_item__position")
        .values_list("id", flat=True)
    )
    short = ShortWallets()  # one short hot wallet: one node read, not one per item
    return sum(
        payout_send(payout_id=payout_id, short=short) != PayoutStatus.QUEUED for payout_id in queued
    )


@transaction.atomic
def payout_batch_release(*, batch_id: int, now: datetime | None = None) -> bool:
    """Release one scheduled batch whose time has come; False when it is not due (or a
    twin released it)."""
    now = now or timezone.now()
    batch = PayoutBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != PayoutBatchStatus.SCHEDULED or batch.release_at > now:
        return False
    # Lock the items too: a cancel racing the release either ends before (the item stays
    # cancelled) or waits and finds it queued (still cancellable).
    scheduled = Payout.objects.select_for_update().filter(
        batch_item__batch=batch, status=PayoutStatus.SCHEDULED
    )
    released = Payout.objects.filter(pk__in=list(scheduled.values_list("pk", flat=True))).update(
        status=PayoutStatus.QUEUED, updated_at=now
    )
    batch.status = PayoutBatchStatus.PROCESSING
    batch.released_at = now
    batch.save(update_fields=["status", "released_at"])
    audit_log(
        actor=ACTOR,
        action="payout_batch.released",
        target=batch,
        client_id=batch.client_id,
        data={"batch": batch.public_id, "queued": released},
    )
    payout_batch_event_publish(batch=batch, what="released")
    transaction.on_commit(lambda: _enqueue_batch_send(batch_id))
    return True


@transaction.atomic
def payout_batch_complete(*, batch_id: int, now: datetime | None = None) -> bool:
    """Mark a released batch completed once every item ended; False while some have not."""
    batch = PayoutBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != PayoutBatchStatus.PROCESSING:
        return False
    items = Payout.objects.filter(batch_item__batch=batch)
    if items.exclude(status__in=ENDED_STATUSES).exists():
        return False
    batch.status = PayoutBatchStatus.COMPLETED
    batch.completed_at = now or timezone.now()
    batch.save(update_fields=["status", "completed_at"])
    audit_log(
        actor=ACTOR,
        action="payout_batch.completed",
        target=batch,
        client_id=batch.client_id,
        data={"batch": batch.public_id},
    )
    payout_batch_event_publish(batch=batch, what="completed")
    return True


def payout_batches_tick(*, now: datetime | None = None) -> tuple[int, int]:
    """Release every due batch and complete every ended one: (released, completed)."""
    now = now or timezone.now()
    due = PayoutBatch.objects.filter(status=PayoutBatchStatus.SCHEDULED, release_at__lte=now)
    released = sum(
        payout_batch_release(batch_id=batch_id, now=now)
        for batch_id in list(due.order_by("release_at", "id").values_list("id", flat=True))
    )
    running = PayoutBatch.objects.filter(status=PayoutBatchStatus.PROCESSING)
    completed = sum(
        payout_batch_complete(batch_id=batch_id, now=now)
        for batch_id in list(running.order_by("id").values_list("id", flat=True))
    )
    return released, completed
