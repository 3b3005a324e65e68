"""Recurring django-q schedules of the shared kernel, registered after every migrate.

Registered from ``post_migrate`` rather than a data migration so that a flushed database
(the test runner, ``manage.py flush``) gets them back. An existing schedule for the same
function is left alone: an operator may have changed its timing in the admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps

PURGE_IDEMPOTENCY_FUNC = "lucid_payments.core.tasks.idempotency_purge_expired"


def ensure_schedules(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    """post_migrate receiver. ``migrate`` passes the migrated state's ``apps``; ``flush``
    passes none, and then the installed models are current."""
    apps = apps or installed_apps
    try:
        schedule = apps.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    if not schedule.objects.using(using).filter(func=PURGE_IDEMPOTENCY_FUNC).exists():
        schedule.objects.using(using).create(
            name="Purge expired idempotency keys",
            func=PURGE_IDEMPOTENCY_FUNC,
            schedule_type="H",  # django_q Schedule.HOURLY
            repeats=-1,
        )


def ensure_minutely_schedules(
    schedules: Mapping[str, str], *, apps: Apps | None = None, using: str = "default"
) -> None:
    """For an app's post_migrate receiver: a once-a-minute schedule per task function of
    ``schedules`` (function → name) that has none yet; existing ones are left alone."""
    apps = apps or installed_apps
    try:
        schedule = apps.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    for func, name in schedules.items():
        if not schedule.objects.using(using).filter(func=func).exists():
            schedule.objects.using(using).create(
                name=name, func=func, schedule_type="I", minutes=1, repeats=-1
            )
