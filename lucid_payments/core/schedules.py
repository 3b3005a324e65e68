"""Recurring django-q schedules, registered one way by every app.

An app declares its ``RecurringTask``s and calls ``schedules_register(self, *tasks)`` from
its ``AppConfig.ready``. After every migrate each task gets its schedule if no schedule
runs its function yet. Registered from ``post_migrate`` rather than a data migration so
that a flushed database (the test runner, ``manage.py flush``) gets them back. An
existing schedule is never changed: an operator may have retimed, renamed or paused it in
the admin, and a deploy must not quietly undo that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db.models.signals import post_migrate

# django_q's Schedule.MINUTES and Schedule.HOURLY, spelled out: the model is looked up
# through the migrated state's registry, whose historical model has no such constants.
EVERY_N_MINUTES = "I"
HOURLY = "H"


@dataclass(frozen=True)
class RecurringTask:
    func: str  # dotted path of the django-q task
    name: str  # what the admin shows
    schedule_type: str = EVERY_N_MINUTES
    minutes: int | None = 1

    @classmethod
    def every_minute(cls, func: str, name: str) -> RecurringTask:
        return cls(func, name, EVERY_N_MINUTES, 1)

    @classmethod
    def hourly(cls, func: str, name: str) -> RecurringTask:
        return cls(func, name, HOURLY, None)


def schedules_ensure(
    tasks: Sequence[RecurringTask], *, apps: Apps | None = None, using: str = "default"
) -> list[str]:
    """Create the schedule of each task no schedule runs yet; returns their functions.

    ``migrate`` passes the migrated state's ``apps``; ``flush`` passes none, and then the
    installed models are current.
    """
    registry = apps or installed_apps
    try:
        schedule = registry.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return []
    created = []
    for task in tasks:
        if schedule.objects.using(using).filter(func=task.func).exists():
            continue  # the operator's, as they left it
        fields: dict[str, Any] = {"minutes": task.minutes} if task.minutes is not None else {}
        schedule.objects.using(using).create(
            name=task.name, func=task.func, schedule_type=task.schedule_type, repeats=-1, **fields
        )
        created.append(task.func)
    return created


def schedules_register(app_config: AppConfig, *tasks: RecurringTask) -> None:
    """Ensure ``tasks`` after every migrate of ``app_config``. Call from its ``ready``."""

    def ensure_after_migrate(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
        schedules_ensure(tasks, apps=apps, using=using)

    post_migrate.connect(
        ensure_after_migrate,
        sender=app_config,
        weak=False,  # a closure: nothing else holds it
        dispatch_uid=f"{app_config.label}.schedules",
    )


PURGE_IDEMPOTENCY_FUNC = "lucid_payments.core.tasks.idempotency_purge_expired"
SCHEDULES = (RecurringTask.hourly(PURGE_IDEMPOTENCY_FUNC, "Purge expired idempotency keys"),)
