"""An operator's retry of a failed deposit sweep.

A failed sweep stays failed (it is the record of what was tried and what it burned); its
address stops being looked at so that it does not fail the same way every minute. A
retry makes the address due again: the next pass reads its balances and, if they are
still over the threshold, starts a new sweep under the address's lock (one open sweep
per address and asset). Retrying twice, or retrying a sweep already followed by a newer
one, changes nothing more.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gateway.sweeps.models import Sweep, SweepAddress, SweepKind, SweepStatus
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, InvalidInput

RETRY_PERMISSION = "console.retry_sweep"


@transaction.atomic
def sweep_retry(*, sweep: Sweep, operator: Any, reason: str) -> Sweep:
    """Make a failed deposit sweep's address due again, audited with ``reason``.

    Raises ``Conflict`` when the sweep is not failed (``sweep_not_failed``), is an excess
    sweep (``sweep_retries_itself``: the hot wallet's cap is checked on every pass) or a
    newer sweep of the address exists (``sweep_already_retried``)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why.", fields={"reason": ["This field is required."]})
    locked = Sweep.objects.select_for_update().get(pk=sweep.pk)
    if locked.status != SweepStatus.FAILED:
        raise Conflict(f"The sweep is {locked.status}, not failed.", code="sweep_not_failed")
    if locked.kind != SweepKind.DEPOSIT:
        raise Conflict(
            "A hot wallet's excess is looked at on every pass; nothing to retry.",
            code="sweep_retries_itself",
        )
    address = (
        SweepAddress.objects.select_for_update()
        .filter(network=locked.network, address=locked.source_address)
        .first()
    )
    newer = Sweep.objects.filter(
        network=locked.network, source_address=locked.source_address, pk__gt=locked.pk
    ).first()
    if newer is not None or address is None:
        raise Conflict(
            f"The address was swept again since ({newer})." if newer else "No such address.",
            code="sweep_already_retried",
        )
    if not address.due:
        address.due = True
        address.due_since = timezone.now()
        address.save(update_fields=["due", "due_since"])
    audit_log(
        actor=AuditActor.operator(operator),
        action="sweep.retry",
        target=locked,
        client_id=locked.client_id,
        data={"reason": reason, "address": locked.source_address, "asset": locked.asset},
    )
    return locked
