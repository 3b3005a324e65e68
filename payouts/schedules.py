"""The payout router's recurring task, registered after every migrate: once a minute it
sends queued payouts (a refilled hot wallet, a lost enqueue) and USDT payouts whose energy
is ready. An existing schedule of the same function is left alone: an operator may have
retimed it in the admin."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

SCHEDULES = {
    "payouts.tasks.payouts_resume_task": "Send queued payouts",
    "payouts.batch_tasks.payout_batches_tick_task": "Release due payout batches",
}


def ensure_payout_schedules(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    registry = apps or global_apps
    try:
        schedule = registry.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    for func, name in SCHEDULES.items():
        if not schedule.objects.using(using).filter(func=func).exists():
            schedule.objects.using(using).create(
                name=name, func=func, schedule_type="I", minutes=1, repeats=-1
            )
