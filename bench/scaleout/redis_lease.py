"""A Redis database number of our own for one topology run.

The django-q2 broker keeps its queue under a fixed name ("lucid"), and the rate limit's
counters have fixed keys too, so two runs (or a run and someone's `make up`) sharing one
Redis database would take each other's tasks. Each run therefore leases an empty
database number: ``SET NX`` of a lease key with an expiry, kept only if nothing else is in
that database, and flushed and given back at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import redis

LEASE_KEY = "lucid:scaleout:lease"
LEASE_TTL_S = 3600
FIRST_DB, LAST_DB = 1, 15  # 0 is what a default REDIS_URL (and `make up` by hand) uses


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def redis_reachable(url: str) -> str | None:
    """None if Redis answers at ``url``, else why not."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as exc:
        return f"no Redis at {url}: {exc}"
    return None


@contextmanager
def leased_redis_db(base_url: str) -> Iterator[str]:
    """Yield a REDIS_URL for an empty database leased for this run; flush it afterwards."""
    owner = f"pid {os.getpid()}"
    for db in range(FIRST_DB, LAST_DB + 1):
        url = with_db(base_url, db)
        conn = redis.Redis.from_url(url)
        if not conn.set(LEASE_KEY, owner, nx=True, ex=LEASE_TTL_S):
            continue
        if conn.dbsize() != 1:  # someone else's keys: not ours to use, nor to flush
            conn.delete(LEASE_KEY)
            continue
        try:
            yield url
        finally:
            conn.flushdb()
            conn.close()
        return
    raise RuntimeError(f"every Redis database {FIRST_DB}-{LAST_DB} at {base_url} is in use")
