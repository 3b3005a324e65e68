"""One active scanner per network: a PostgreSQL session advisory lock.

A session lock (not a transaction lock) because a tick spans several transactions; the
server releases it if the process dies, so a killed scanner never blocks the next one.
It needs a direct or session-pooled connection (not PgBouncer transaction pooling).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def scanner_lock_key(network: str) -> int:
    return zlib.crc32(f"lucid.tron.scanner:{network}".encode())


@contextmanager
def scanner_lock(network: str) -> Iterator[bool]:
    """Yield True if this process now holds the network's scanner lock, False if another
    does. Released on exit."""
    key = scanner_lock_key(network)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
    acquired = bool(row and row[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
