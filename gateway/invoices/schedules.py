"""Registers the invoices' periodic task with django-q after each migrate."""

from __future__ import annotations

from typing import Any

INVOICE_EXPIRY_SCHEDULE = "invoices.expire_due"


def register_schedules(**_: Any) -> None:
    """Idempotent: running migrate again updates the one schedule row instead of adding."""
    from django_q.models import Schedule  # the app registry is ready only at call time

    Schedule.objects.update_or_create(
        name=INVOICE_EXPIRY_SCHEDULE,
        defaults={
            "func": "gateway.invoices.tasks.invoice_expire_due_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
