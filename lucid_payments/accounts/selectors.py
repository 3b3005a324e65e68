"""Reads for accounts. Every tenant-owned lookup takes the caller's ``client``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from lucid_payments.accounts.api_keys import hash_api_key, looks_like_api_key
from lucid_payments.accounts.models import ApiKey, Client, Customer, KycApplication
from lucid_payments.core.errors import NotFound


def _columns(model: type[ApiKey] | type[Client], alias: str) -> str:
    return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)


# Every API request looks its key up: one hand-written statement, with the columns of both
# models in their field order (for from_db), instead of the ORM compiling the same join
# each time. The rules are the ones the statement states: the key's hash, not revoked, its
# client active; read afresh on every request, so a revocation counts from the next one.
_KEY_BY_HASH_SQL = (
    f"SELECT {_columns(ApiKey, 'k')}, {_columns(Client, 'c')} "  # noqa: S608 - column names
    "FROM accounts_apikey k JOIN accounts_client c ON c.id = k.client_id "
    "WHERE k.key_hash = %s AND k.revoked_at IS NULL AND c.is_active"
)
_KEY_FIELDS = [field.attname for field in ApiKey._meta.concrete_fields]
_CLIENT_FIELDS = [field.attname for field in Client._meta.concrete_fields]


def api_key_by_plaintext(plaintext: str) -> ApiKey | None:
    """The active key matching ``plaintext`` (not revoked, client active), or ``None``."""
    if not looks_like_api_key(plaintext):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_KEY_BY_HASH_SQL, [hash_api_key(plaintext)])
        row = cursor.fetchone()  # key_hash is unique: one row at most
    if row is None:
        return None
    split = len(_KEY_FIELDS)
    api_key = ApiKey.from_db(connection.alias, _KEY_FIELDS, row[:split])
    client = Client.from_db(connection.alias, _CLIENT_FIELDS, row[split:])
    ApiKey.client.field.set_cached_value(api_key, client)
    return api_key


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
