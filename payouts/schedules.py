"""The payout router's recurring tasks, registered after every migrate, once a minute:
sending queued payouts (a refilled hot wallet, a lost enqueue) and USDT payouts whose
energy is ready, and releasing payout batches whose hour or day has come. An existing
schedule of the same function is left alone: an operator may have retimed it."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps

from lucid_payments.core.schedules import ensure_minutely_schedules

SCHEDULES = {
    "payouts.tasks.payouts_resume_task": "Send queued payouts",
    "payouts.batch_tasks.payout_batches_tick_task": "Release due payout batches",
}


def ensure_payout_schedules(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    ensure_minutely_schedules(SCHEDULES, apps=apps, using=using)
