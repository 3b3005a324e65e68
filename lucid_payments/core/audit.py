"""The audit log service: who did what to which object, written in the caller's transaction.

Call ``audit_log`` inside the same ``transaction.atomic()`` block as the state change it
records, so that the change and its audit row commit (or roll back) together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models

from lucid_payments.core.models import AuditEvent


class _User(Protocol):
    @property
    def pk(self) -> Any: ...

    def get_username(self) -> str: ...


class _ApiKey(Protocol):
    """What we need from accounts.ApiKey (kept structural so core does not import accounts)."""

    @property
    def pk(self) -> Any: ...

    @property
    def client_id(self) -> int: ...

    @property
    def prefix(self) -> str: ...


@dataclass(frozen=True)
class AuditActor:
    """Who acted. Build one with ``operator``, ``api_key`` or ``system``."""

    type: AuditEvent.ActorType
    id: str
    label: str
    # The tenant an API key belongs to; audit_log uses it when no client_id is given.
    client_id: int | None = None

    @classmethod
    def operator(cls, user: _User) -> AuditActor:
        return cls(AuditEvent.ActorType.OPERATOR, str(user.pk), user.get_username())

    @classmethod
    def api_key(cls, key: _ApiKey) -> AuditActor:
        return cls(AuditEvent.ActorType.API_KEY, str(key.pk), key.prefix, client_id=key.client_id)

    @classmethod
    def system(cls, name: str) -> AuditActor:
        """A background job or command, e.g. ``AuditActor.system("kyc_expiry")``."""
        return cls(AuditEvent.ActorType.SYSTEM, name, name)


def audit_log(
    *,
    actor: AuditActor,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    client_id: int | None = None,
) -> AuditEvent:
    """Append one audit event. ``action`` is a dotted verb such as ``"kyc.approved"``.

    ``client_id`` defaults to the acting API key's client; pass it explicitly when an
    operator or the system acts on a tenant's object.
    """
    if not action:
        raise ValueError("audit_log needs an action")
    return AuditEvent.objects.create(
        actor_type=actor.type,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        client_id=client_id if client_id is not None else actor.client_id,
        data=data or {},
    )
