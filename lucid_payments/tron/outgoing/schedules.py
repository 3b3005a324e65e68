"""The recurring outgoing-transaction sweep, registered after every migrate.

Registered from ``post_migrate`` (like the core schedules) so that a flushed database gets
it back; an existing schedule for the same function is left alone, since an operator may
have retimed it in the admin. Connect it in ``TronConfig.ready``::

    post_migrate.connect(ensure_outgoing_schedules, sender=self,
                         dispatch_uid="tron.outgoing.ensure_schedules")
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

SWEEP_FUNC = "lucid_payments.tron.outgoing.tasks.outgoing_sweep_task"


def ensure_outgoing_schedules(
    *, apps: Apps | None = None, using: str = "default", **_: Any
) -> None:
    # ``flush`` (the test runner between transactional tests) sends post_migrate without
    # ``apps``; the global registry is right then.
    registry = apps or global_apps
    try:
        schedule = registry.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    if not schedule.objects.using(using).filter(func=SWEEP_FUNC).exists():
        schedule.objects.using(using).create(
            name="Track outgoing TRON transactions",
            func=SWEEP_FUNC,
            schedule_type="I",  # django_q Schedule.MINUTES
            minutes=1,
            repeats=-1,
        )
