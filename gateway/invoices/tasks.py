"""django-q entry points of invoices (thin: they call a service)."""

from __future__ import annotations

from gateway.invoices.services import invoice_expire_due


def invoice_expire_due_task() -> int:
    """Expire the invoices whose time is up (safe to run twice, or twice at once)."""
    return invoice_expire_due()
