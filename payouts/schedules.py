"""The payout router's recurring task (registered by ``core.schedules``): once a minute it
sends queued payouts (a refilled hot wallet, a lost enqueue) and USDT payouts whose energy
is ready."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

SCHEDULES = (
    RecurringTask.every_minute("payouts.tasks.payouts_resume_task", "Send queued payouts"),
)
