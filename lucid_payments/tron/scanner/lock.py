"""One active scanner per network: a PostgreSQL session advisory lock.

A session lock (not a transaction lock) because a scanner pass spans several
transactions; the server releases it when the process dies, so a killed scanner never
blocks the next one. It needs a direct or session-pooled connection (not PgBouncer
transaction pooling).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

RETRY_INTERVAL_S = 0.05


def scanner_lock_key(network: str) -> int:
    return zlib.crc32(f"lucid.tron.scanner:{network}".encode())


def _try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
    return bool(row and row[0])


@contextmanager
def scanner_lock(network: str, *, wait_s: float = 0.0) -> Iterator[bool]:
    """Yield True once this connection holds the network's scanner lock, or False if
    another holder kept it for ``wait_s`` seconds. Released on exit."""
    key = scanner_lock_key(network)
    deadline = time.monotonic() + wait_s
    acquired = _try_lock(key)
    while not acquired and time.monotonic() < deadline:
        time.sleep(RETRY_INTERVAL_S)
        acquired = _try_lock(key)
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
