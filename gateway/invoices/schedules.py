"""The invoices' recurring task (registered by ``core.schedules``)."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

INVOICE_EXPIRY_SCHEDULE = "invoices.expire_due"
SCHEDULES = (
    RecurringTask.every_minute(
        "gateway.invoices.tasks.invoice_expire_due_task", INVOICE_EXPIRY_SCHEDULE
    ),
)
