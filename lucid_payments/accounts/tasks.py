"""django-q entry points for accounts (thin: they call a service)."""

from __future__ import annotations

from lucid_payments.accounts.kyc_services import kyc_expire_due


def kyc_expire_due_task() -> int:
    """Hourly: mark approved KYC applications past their expiry time as expired."""
    return kyc_expire_due()
