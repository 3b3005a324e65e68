"""django-q entry points of payout batches (thin: each calls one service)."""

from __future__ import annotations

from payouts.batch_release import payout_batch_send, payout_batches_tick


def payout_batch_send_task(batch_id: int) -> int:
    return payout_batch_send(batch_id=batch_id)


def payout_batches_tick_task() -> tuple[int, int]:
    return payout_batches_tick()
