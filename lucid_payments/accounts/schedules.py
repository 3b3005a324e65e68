"""Registers the accounts app's periodic tasks with django-q after each migrate."""

from __future__ import annotations

from typing import Any

KYC_EXPIRY_SCHEDULE = "accounts.kyc_expire_due"


def register_schedules(**_: Any) -> None:
    """Idempotent: running migrate again updates the one schedule row instead of adding."""
    from django_q.models import Schedule  # the app registry is ready only at call time

    Schedule.objects.update_or_create(
        name=KYC_EXPIRY_SCHEDULE,
        defaults={
            "func": "lucid_payments.accounts.tasks.kyc_expire_due_task",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )
