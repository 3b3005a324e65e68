"""The recurring webhook sweep, registered after every migrate (like the core schedules),
so a flushed database gets it back; an existing one is left alone (an operator may have
retimed it in the admin)."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

SWEEP_FUNC = "gateway.webhooks.tasks.webhook_sweep_task"


def ensure_webhook_schedules(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    registry = apps or global_apps
    try:
        schedule = registry.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    if not schedule.objects.using(using).filter(func=SWEEP_FUNC).exists():
        schedule.objects.using(using).create(
            name="Deliver due webhooks",
            func=SWEEP_FUNC,
            schedule_type="I",  # django_q Schedule.MINUTES
            minutes=1,
            repeats=-1,
        )
