"""Writes for clients, API keys and customers. KYC writes live in ``kyc_services``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from lucid_payments.accounts.api_keys import hash_api_key, new_api_key
from lucid_payments.accounts.models import ApiKey, Client, Customer
from lucid_payments.accounts.scopes import ALL_SCOPES
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.core.idempotency import idempotency_effect


def client_create(*, name: str, actor: AuditActor | None = None) -> Client:
    """Create a tenant. Names are unique so that commands and the admin can refer to them."""
    name = name.strip()
    if not name:
        raise InvalidInput("A client needs a name.", fields={"name": ["This field is required."]})
    try:
        with transaction.atomic():
            client = Client.objects.create(name=name)
            audit_log(
                actor=actor or AuditActor.system("accounts"),
                action="client.created",
                target=client,
                data={"name": name},
                client_id=client.pk,
            )
    except IntegrityError as exc:
        raise Conflict(f"A client named {name!r} exists.", code="client_exists") from exc
    return client


def _validated_scopes(scopes: Iterable[str] | None) -> list[str]:
    if scopes is None:
        return list(ALL_SCOPES)
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in ALL_SCOPES]
    if unknown:
        raise InvalidInput(
            f"Unknown scope(s): {', '.join(unknown)}.",
            code="unknown_scope",
            fields={"scopes": [f"Choose from {', '.join(ALL_SCOPES)}."]},
        )
    if not chosen:
        raise InvalidInput("A key needs at least one scope.", fields={"scopes": ["Empty."]})
    return chosen


def api_key_create(
    *,
    client: Client,
    name: str,
    scopes: Iterable[str] | None = None,
    actor: AuditActor | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for ``client`` with ``scopes`` (``None``: every scope).

    Returns the key row and the plaintext key. The plaintext is not stored anywhere: show it
    to its owner now, it cannot be recovered later.
    """
    chosen = _validated_scopes(scopes)
    prefix, plaintext = new_api_key()
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            client=client,
            name=name.strip() or prefix,
            prefix=prefix,
            key_hash=hash_api_key(plaintext),
            scopes=chosen,
        )
        audit_log(
            actor=actor or AuditActor.system("accounts"),
            action="api_key.created",
            target=api_key,
            data={"prefix": prefix, "name": api_key.name, "scopes": chosen},
            client_id=client.pk,
        )
    return api_key, plaintext


def api_key_revoke(
    *,
    api_key: ApiKey,
    actor: AuditActor | None = None,
    now: datetime | None = None,
    reason: str = "",
) -> ApiKey:
    """Revoke a key for good. Revoking a revoked key changes nothing and logs nothing.
    ``reason`` (an operator's why) goes to the audit log."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now
            locked.save(update_fields=["revoked_at"])
            audit_log(
                actor=actor or AuditActor.system("accounts"),
                action="api_key.revoked",
                target=locked,
                data={"prefix": locked.prefix, **({"reason": reason} if reason else {})},
                client_id=locked.client_id,
            )
    api_key.revoked_at = locked.revoked_at
    return locked


def customer_create(
    *,
    client: Client,
    external_ref: str,
    display_name: str = "",
    email: str = "",
    actor: AuditActor,
) -> Customer:
    """Register a customer of ``client``; ``external_ref`` is unique per client."""
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                client=client, external_ref=external_ref, display_name=display_name, email=email
            )
            idempotency_effect(customer)
            audit_log(
                actor=actor,
                action="customer.created",
                target=customer,
                data={"external_ref": external_ref},
                client_id=client.pk,
            )
    except IntegrityError as exc:
        raise Conflict(
            "A customer with this external_ref exists.",
            code="customer_exists",
            fields={"external_ref": ["Already used by another customer of this client."]},
        ) from exc
    return customer


def customer_set_status(
    *, customer: Customer, status: Customer.Status, actor: AuditActor
) -> Customer:
    """Block or unblock a customer (operators, in the admin)."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.status != status:
            previous = locked.status
            verb = "blocked" if status == Customer.Status.BLOCKED else "unblocked"
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
            audit_log(
                actor=actor,
                action=f"customer.{verb}",
                target=locked,
                data={"from": previous, "to": status},
                client_id=locked.client_id,
            )
    return locked
