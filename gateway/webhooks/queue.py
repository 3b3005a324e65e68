"""Handing deliveries to the django-q workers."""

from __future__ import annotations

from collections.abc import Iterable

from django_q.tasks import async_task

DELIVER_TASK = "gateway.webhooks.tasks.webhook_deliver_task"


def deliveries_enqueue(delivery_ids: Iterable[int]) -> None:
    """One task per delivery. Call after the commit (``transaction.on_commit(...,
    robust=True)``): a worker must find the row, the send must never run inside a
    transaction, and a broker that is down must not fail the change that was just
    committed (the sweep enqueues what was missed)."""
    for delivery_id in delivery_ids:
        async_task(DELIVER_TASK, delivery_id)
