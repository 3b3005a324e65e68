"""django-q entry points for webhooks. Thin: take an id, call a service."""

from __future__ import annotations

import time
from collections.abc import Callable

from gateway.webhooks.delivery import delivery_drain
from gateway.webhooks.sweep import BATCH, deliveries_due

SWEEP_BUDGET_S = 50.0  # the schedule fires every minute
SWEEP_PAUSE_S = 2.0  # how late a 5 s retry may be


def webhook_deliver_task(delivery_id: int) -> int:
    """Enqueued after the commit of an event (and by the sweep and a redelivery)."""
    return delivery_drain(delivery_id=delivery_id)


def webhook_sweep_task(
    *,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Scheduled every minute: for its minute, every few seconds, enqueue the deliveries
    that came due (retries) or whose task was lost. Returns how many were enqueued."""
    deadline = monotonic() + SWEEP_BUDGET_S
    total = 0
    while True:
        enqueued = deliveries_due()
        total += enqueued
        if monotonic() + SWEEP_PAUSE_S >= deadline:
            return total
        if enqueued < BATCH:
            sleep(SWEEP_PAUSE_S)
