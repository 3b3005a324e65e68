"""Reads of payout batches, always scoped to the caller's client: another client's batch
is "not found", like a missing one."""

from __future__ import annotations

from lucid_payments.core.errors import found
from lucid_payments.core.paging import Page, Window
from payouts.batch_models import PayoutBatch


def payout_batch_get(*, client_id: int, batch_id: str) -> PayoutBatch:
    batch = PayoutBatch.objects.filter(client_id=client_id, public_id=batch_id).first()
    return found(batch, "No such payout batch.", code="payout_batch_not_found")


def payout_batch_page(
    *, client_id: int, window: Window, status: str | None = None
) -> Page[PayoutBatch]:
    """Newest first; ``starting_after`` (a batch id of this client) continues after it."""
    batches = PayoutBatch.objects.filter(client_id=client_id)
    if status is not None:
        batches = batches.filter(status=status)
    return window.page(batches, lambda after: payout_batch_get(client_id=client_id, batch_id=after))
