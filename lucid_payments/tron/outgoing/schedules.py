"""The recurring outgoing-transaction sweep (registered by ``core.schedules`` from
``TronConfig.ready``)."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

SWEEP_FUNC = "lucid_payments.tron.outgoing.tasks.outgoing_sweep_task"
SCHEDULES = (RecurringTask.every_minute(SWEEP_FUNC, "Track outgoing TRON transactions"),)
