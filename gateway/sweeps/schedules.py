"""Registers the sweeper's periodic pass with django-q after each migrate."""

from __future__ import annotations

from typing import Any

SWEEP_SCHEDULE = "sweeps.run"


def register_sweep_schedules(**_: Any) -> None:
    """Idempotent: running migrate again updates the one schedule row instead of adding."""
    from django_q.models import Schedule  # the app registry is ready only at call time

    Schedule.objects.update_or_create(
        name=SWEEP_SCHEDULE,
        defaults={
            "func": "gateway.sweeps.tasks.sweeps_run_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
