"""Per-sender transaction timestamps, unique by construction.

Two transactions that differ only in their intent (two payouts of 5 TRX to one address)
serialize to the same bytes, and so the same txid, when they are built against the same
head block: the node would keep one and answer the other with ``DUP_TRANSACTION_ERROR``.
``raw_data.timestamp`` is the field that tells them apart without costing bandwidth (a
memo in ``data`` would): every transaction of a sender gets a timestamp that sender never
used before.

Why a counter row in PostgreSQL rather than "retry with timestamp + 1 on a duplicate
txid": workers in several processes build for the same sender at once, and the one
statement below is atomic across all of them. ``INSERT … ON CONFLICT DO UPDATE`` takes
the sender's row lock, and the update sees the newest committed value even when the
statement's snapshot is older, so two concurrent allocations always return different
values. Nothing outside this statement needs to be locked, no network call happens under
the lock, and a value that is never used (a copy thrown away) only leaves a gap. The
duplicate-txid retry still exists (``transitions.TxidTaken``) for what the counter cannot
see: a client relaying a transaction identical to one of ours.

The node does not check ``timestamp`` (only ``expiration`` against its head), so running
ahead of chain time by one millisecond per transaction in a burst is harmless; the
expiration stays measured from the head block.
"""

from __future__ import annotations

from django.db import connection

# On tron_senderclock (models.SenderClock); the ORM has no upsert that reads the old value.
_ALLOCATE = """
INSERT INTO tron_senderclock AS clock (network, owner_address, last_timestamp_ms)
VALUES (%s, %s, %s)
ON CONFLICT (network, owner_address) DO UPDATE
SET last_timestamp_ms = GREATEST(clock.last_timestamp_ms + 1, EXCLUDED.last_timestamp_ms)
RETURNING last_timestamp_ms
"""


def timestamp_allocate(*, network: str, owner_address: str, not_before_ms: int) -> int:
    """A ``raw_data.timestamp`` for the next transaction of ``owner_address``: at least
    ``not_before_ms`` (chain time) and greater than any it was given before."""
    with connection.cursor() as cursor:
        cursor.execute(_ALLOCATE, [network, owner_address, not_before_ms])
        row = cursor.fetchone()
    return int(row[0])
