"""Reads for accounts. Every tenant-owned lookup takes the caller's ``client``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from lucid_payments.accounts.api_keys import hash_api_key, looks_like_api_key
from lucid_payments.accounts.models import ApiKey, Client, Customer, KycApplication
from lucid_payments.core.errors import NotFound


def api_key_by_plaintext(plaintext: str) -> ApiKey | None:
    """The active key matching ``plaintext`` (not revoked, client active), or ``None``."""
    if not looks_like_api_key(plaintext):
        return None
    return (
        ApiKey.objects.select_related("client")
        .filter(key_hash=hash_api_key(plaintext), revoked_at__isnull=True, client__is_active=True)
        .first()
    )


def customer_list(*, client: Client) -> QuerySet[Customer]:
    return Customer.objects.filter(client=client)


def customer_get(*, client: Client, customer_id: int) -> Customer:
    """The client's customer. Another client's customer is "not found", never "forbidden",
    so that ids do not reveal which customers exist."""
    customer = customer_list(client=client).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound("No such customer.", code="customer_not_found")
    return customer


def kyc_application_latest(*, customer: Customer) -> KycApplication | None:
    return customer.kyc_applications.order_by("-submitted_at", "-pk").first()


def customer_is_kyc_verified(*, customer: Customer, now: datetime | None = None) -> bool:
    """Has an approved KYC application whose expiry time is still ahead.

    The expiry time is checked here rather than trusting the status: the task that marks
    applications expired runs periodically, and a verification must end on time.
    """
    now = now or timezone.now()
    return customer.kyc_applications.filter(
        status=KycApplication.Status.APPROVED, expires_at__gt=now
    ).exists()


@dataclass(frozen=True)
class KycSummary:
    """What a client sees of its customer's KYC: the state that matters now."""

    status: str  # "none" or a KycApplication.Status value
    level: str | None
    expires_at: datetime | None


def customer_kyc_summary(*, customer: Customer, now: datetime | None = None) -> KycSummary:
    now = now or timezone.now()
    valid = (
        customer.kyc_applications.filter(status=KycApplication.Status.APPROVED, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )
    if valid is not None:
        return KycSummary(valid.status, valid.level, valid.expires_at)
    latest = kyc_application_latest(customer=customer)
    if latest is None:
        return KycSummary("none", None, None)
    status = latest.status
    if status == KycApplication.Status.APPROVED:  # approved but past expiry, not yet swept
        status = KycApplication.Status.EXPIRED
    return KycSummary(status, latest.level, latest.expires_at)
