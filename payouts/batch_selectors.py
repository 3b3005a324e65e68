"""Reads of payout batches, always scoped to the caller's client: another client's batch
is "not found", like a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lucid_payments.core.errors import NotFound
from payouts.batch_models import PayoutBatch


def payout_batch_get(*, client_id: int, batch_id: str) -> PayoutBatch:
    batch = PayoutBatch.objects.filter(client_id=client_id, public_id=batch_id).first()
    if batch is None:
        raise NotFound("No such payout batch.", code="payout_batch_not_found")
    return batch


@dataclass(frozen=True)
class PayoutBatchPage:
    batches: list[PayoutBatch]
    has_more: bool


def payout_batch_page(
    *,
    client_id: int,
    limit: int,
    status: str | None = None,
    created_gte: datetime | None = None,
    created_lt: datetime | None = None,
    starting_after: str | None = None,
) -> PayoutBatchPage:
    """Newest first; ``starting_after`` (a batch id of this client) continues after it."""
    batches = PayoutBatch.objects.filter(client_id=client_id)
    if status is not None:
        batches = batches.filter(status=status)
    if created_gte is not None:
        batches = batches.filter(created_at__gte=created_gte)
    if created_lt is not None:
        batches = batches.filter(created_at__lt=created_lt)
    if starting_after is not None:
        after = payout_batch_get(client_id=client_id, batch_id=starting_after)
        batches = batches.filter(id__lt=after.pk)
    rows = list(batches.order_by("-id")[: limit + 1])
    return PayoutBatchPage(rows[:limit], len(rows) > limit)
