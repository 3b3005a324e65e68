"""Work claims on outgoing transactions: compare-and-set on ``claimed_until``.

A worker owns a row while ``claimed_until`` is in the future. A worker killed mid-step
never releases its claim; the lease simply runs out and the next sweep picks the row up.
Claims only stop duplicate *work*; correctness never depends on them (every step locks,
re-checks and is safe to repeat).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from lucid_payments.tron.models import OutgoingTransaction
from lucid_payments.tron.models.outgoing import ACTIVE_STATUSES

DEFAULT_LEASE = timedelta(seconds=120)


def outgoing_claim(
    outgoing_id: int, *, now: datetime, lease: timedelta = DEFAULT_LEASE
) -> datetime | None:
    """Claim an active transaction; returns the claim's expiry (the release token) or None."""
    until = now + lease
    claimed = (
        OutgoingTransaction.objects.filter(pk=outgoing_id, status__in=ACTIVE_STATUSES)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=until)
    )
    return until if claimed == 1 else None


def outgoing_release(outgoing_id: int, *, token: datetime) -> None:
    """Give the claim back, unless it ran out and somebody else holds a newer one."""
    OutgoingTransaction.objects.filter(pk=outgoing_id, claimed_until=token).update(
        claimed_until=None
    )
