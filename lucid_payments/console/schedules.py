"""The console's recurring task (registered by ``core.schedules``): the dashboard's chain
reading every five minutes, so no page load waits for the node."""

from __future__ import annotations

from lucid_payments.core.schedules import EVERY_N_MINUTES, RecurringTask

CHAIN_READ_FUNC = "lucid_payments.console.tasks.console_chain_read_task"

SCHEDULES = (RecurringTask(CHAIN_READ_FUNC, "console.chain_read", EVERY_N_MINUTES, 5),)
