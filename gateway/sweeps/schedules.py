"""The sweeper's recurring task (registered by ``core.schedules``): one pass a minute over
the addresses due and the sweeps a crash left behind."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

SCHEDULES = (
    RecurringTask.every_minute("gateway.sweeps.tasks.sweeps_run_task", "Sweep deposit addresses"),
)
