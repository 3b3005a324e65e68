"""The recurring webhook sweep (registered by ``core.schedules``)."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

SWEEP_FUNC = "gateway.webhooks.tasks.webhook_sweep_task"
SCHEDULES = (RecurringTask.every_minute(SWEEP_FUNC, "Deliver due webhooks"),)
