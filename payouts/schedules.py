"""The payout router's recurring tasks (registered by ``core.schedules``), once a minute:
sending queued payouts (a refilled hot wallet, a lost enqueue) and USDT payouts whose
energy is ready, and releasing payout batches whose hour or day has come."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

SCHEDULES = (
    RecurringTask.every_minute("payouts.tasks.payouts_resume_task", "Send queued payouts"),
    RecurringTask.every_minute(
        "payouts.batch_tasks.payout_batches_tick_task", "Release due payout batches"
    ),
)
