"""Registers the dashboard's chain reading with django-q after each migrate."""

from __future__ import annotations

from typing import Any

CHAIN_READ_SCHEDULE = "console.chain_read"
CHAIN_READ_FUNC = "lucid_payments.console.tasks.console_chain_read_task"


def register_schedules(**_: Any) -> None:
    """Idempotent; an existing row keeps the timing an operator may have changed."""
    from django_q.models import Schedule  # the app registry is ready only at call time

    Schedule.objects.get_or_create(
        name=CHAIN_READ_SCHEDULE,
        defaults={
            "func": CHAIN_READ_FUNC,
            "schedule_type": Schedule.MINUTES,
            "minutes": 5,
            "repeats": -1,
        },
    )
