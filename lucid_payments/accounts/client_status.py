"""Disable or enable a client. A disabled client's API keys stop authenticating at once
(``selectors`` looks keys up among active clients only); its money, addresses and history
stay, and enabling it again restores access with the same keys."""

from __future__ import annotations

from django.db import transaction

from lucid_payments.accounts.models import Client
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import InvalidInput


def client_set_active(*, client_id: int, active: bool, reason: str, actor: AuditActor) -> bool:
    """Set the client's ``is_active``; False when it already was (nothing logged)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why.", code="reason_required", fields={"reason": ["Required."]})
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client_id)
        if client.is_active == active:
            return False
        client.is_active = active
        client.save(update_fields=["is_active"])
        audit_log(
            actor=actor,
            action="client.enabled" if active else "client.disabled",
            target=client,
            data={"reason": reason},
            client_id=client.pk,
        )
    return True
