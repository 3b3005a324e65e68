"""Work claims on outgoing transactions: compare-and-set on ``claimed_until``.

A worker owns a row while ``claimed_until`` is in the future. A worker killed mid-step
never releases its claim; the lease simply runs out and the next sweep picks the row up.
Claims only stop duplicate *work*; correctness never depends on them (every step locks,
re-checks and is safe to repeat).

Claim and release each answer the row's status in the same statement (RETURNING), so the
worker does not read it again on either side of its work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from lucid_payments.tron.models.outgoing import ACTIVE_STATUSES

DEFAULT_LEASE = timedelta(seconds=120)

_CLAIM = (
    "UPDATE tron_outgoingtransaction SET claimed_until = %s "
    "WHERE id = %s AND status = ANY(%s) AND (claimed_until IS NULL OR claimed_until <= %s) "
    "RETURNING status"
)
_RELEASE = (
    "UPDATE tron_outgoingtransaction SET claimed_until = NULL "
    "WHERE id = %s AND claimed_until = %s RETURNING status"
)


@dataclass(frozen=True)
class Claim:
    until: datetime  # the release token
    status: str  # the transaction's status as claimed


def outgoing_claim(
    outgoing_id: int, *, now: datetime, lease: timedelta = DEFAULT_LEASE
) -> Claim | None:
    """Claim an active transaction; None if it is not active or somebody holds it."""
    until = now + lease
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM, [until, outgoing_id, [str(s) for s in ACTIVE_STATUSES], now])
        row = cursor.fetchone()
    return None if row is None else Claim(until=until, status=str(row[0]))


def outgoing_release(outgoing_id: int, *, token: datetime) -> str | None:
    """Give the claim back, unless it ran out and somebody else holds a newer one; the
    transaction's status if given back, else None."""
    with connection.cursor() as cursor:
        cursor.execute(_RELEASE, [outgoing_id, token])
        row = cursor.fetchone()
    return None if row is None else str(row[0])
