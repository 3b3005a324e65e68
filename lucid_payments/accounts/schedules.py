"""The accounts app's recurring task (registered by ``core.schedules``)."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

KYC_EXPIRY_SCHEDULE = "accounts.kyc_expire_due"
SCHEDULES = (
    RecurringTask.hourly("lucid_payments.accounts.tasks.kyc_expire_due_task", KYC_EXPIRY_SCHEDULE),
)
