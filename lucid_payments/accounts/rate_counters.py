"""Request counters for rate limits, counted atomically in a store every process shares.

A sliding window, approximated from two fixed windows (as Cloudflare and nginx-style
limiters do): a request at ``elapsed`` ms into the current window of ``duration`` ms is
allowed when

    previous_count * (duration - elapsed) / duration + current_count + 1 <= limit

so a client cannot spend a whole limit at the end of one window and another at the start
of the next. The check and the increment are one atomic step in the store: parallel
requests of one key on any number of processes each see the count the others left, so
exactly ``limit`` of them get through. Refused requests are not counted: a client that
backs off as ``Retry-After`` asks gets its full rate back.

Stores: Redis when ``REDIS_URL`` is set (a Lua script: one round trip, atomic by Redis's
single thread, keys expiring after two windows); else PostgreSQL, one upsert on an
UNLOGGED table (``RateWindow``) in autocommit, whose conditional ``DO UPDATE`` makes the
check and the increment one statement under the row's lock. Counts and times are integers
(milliseconds), compared without division.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    """Where ``now_ms`` falls among fixed windows of ``duration_ms``."""

    now_ms: int
    duration_ms: int

    @property
    def start_ms(self) -> int:
        return self.now_ms - self.elapsed_ms

    @property
    def elapsed_ms(self) -> int:
        return self.now_ms % self.duration_ms


def retry_after_s(*, window: Window, count: int, previous_count: int, limit: int) -> int:
    """Whole seconds until one more request would be allowed, if nobody else sends."""
    duration, elapsed = window.duration_ms, window.elapsed_ms
    wait_ms = None
    if count + 1 <= limit and previous_count > 0:
        # Later in this window the previous window weighs less.
        needed = duration - (limit - count - 1) * duration / previous_count
        if needed < duration:
            wait_ms = max(0.0, needed - elapsed)
    if wait_ms is None:
        # In the next window this window's count is the one that fades.
        needed_next = 0.0 if count == 0 else max(0.0, duration - (limit - 1) * duration / count)
        wait_ms = duration - elapsed + needed_next
    return max(1, math.ceil(wait_ms / 1000))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: int | None = None


# The current window's count and the previous one's as the row holds them, or as they are
# once the row is moved on to the current window. (The statement's WHERE sees the old row.)
_CURRENT = "CASE WHEN r.window_start_ms = EXCLUDED.window_start_ms THEN r.count ELSE 0 END"
_PREVIOUS = (
    "CASE WHEN r.window_start_ms = EXCLUDED.window_start_ms THEN r.previous_count"
    " WHEN r.window_start_ms = EXCLUDED.window_start_ms - %(duration)s::bigint THEN r.count"
    " ELSE 0 END"
)
_COUNT_ONE_MORE = f"""
    INSERT INTO accounts_ratewindow AS r (ident, window_start_ms, count, previous_count)
    VALUES (%(ident)s, %(window_start)s::bigint, 1, 0)
    ON CONFLICT (ident) DO UPDATE SET
        previous_count = {_PREVIOUS},
        count = {_CURRENT} + 1,
        window_start_ms = EXCLUDED.window_start_ms
    WHERE {_PREVIOUS} * (%(duration)s::bigint - %(elapsed)s::bigint)
          + ({_CURRENT} + 1) * %(duration)s::bigint
          <= %(limit)s::bigint * %(duration)s::bigint
    RETURNING count
"""  # noqa: S608 - only our own constant fragments are formatted in; values are parameters


def _count_in_postgres(ident: str, limit: int, window: Window) -> Decision:
    params: dict[str, Any] = {
        "ident": ident,
        "window_start": window.start_ms,
        "duration": window.duration_ms,
        "elapsed": window.elapsed_ms,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_ONE_MORE, params)
        if cursor.fetchone() is not None:
            return Decision(allowed=True)
        # Refused: nothing was written. Read the counts to say when to come back.
        cursor.execute(
            "SELECT window_start_ms, count, previous_count FROM accounts_ratewindow"
            " WHERE ident = %s",
            [ident],
        )
        row = cursor.fetchone()
    count, previous = _counts_now(row, window)
    return Decision(
        allowed=False,
        retry_after_s=retry_after_s(
            window=window, count=count, previous_count=previous, limit=limit
        ),
    )


def _counts_now(row: tuple[int, int, int] | None, window: Window) -> tuple[int, int]:
    if row is None:
        return 0, 0
    start, count, previous = row
    if start == window.start_ms:
        return count, previous
    if start == window.start_ms - window.duration_ms:
        return 0, count
    return 0, 0


# KEYS[1] = the identity's hash; ARGV = window start, duration, elapsed, limit (all ms or
# counts: integers well inside a double's exact range).
_REDIS_SCRIPT = """
local state = redis.call('HMGET', KEYS[1], 'start', 'count', 'previous')
local start, duration = tonumber(ARGV[1]), tonumber(ARGV[2])
local elapsed, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local stored = tonumber(state[1])
local count, previous = 0, 0
if stored == start then
    count, previous = tonumber(state[2]), tonumber(state[3])
elseif stored == start - duration then
    previous = tonumber(state[2])
end
if previous * (duration - elapsed) + (count + 1) * duration > limit * duration then
    return {0, count, previous}
end
redis.call('HSET', KEYS[1], 'start', start, 'count', count + 1, 'previous', previous)
redis.call('PEXPIRE', KEYS[1], 2 * duration)
return {1, count + 1, previous}
"""


@cache
def _redis_script(url: str) -> Any:
    import redis  # only where REDIS_URL is set: processes without it never load the client

    # A short timeout: a slow Redis must not slow every API request down with it.
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return client.register_script(_REDIS_SCRIPT)


def _redis_key(ident: str) -> str:
    # Two deployments (or test runs) sharing one Redis keep their counts apart.
    return f"lucid:rate:{settings.DATABASES['default']['NAME']}:{ident}"


def _count_in_redis(url: str, ident: str, limit: int, window: Window) -> Decision:
    args = [window.start_ms, window.duration_ms, window.elapsed_ms, limit]
    allowed, count, previous = _redis_script(url)(keys=[_redis_key(ident)], args=args)
    if allowed:
        return Decision(allowed=True)
    return Decision(
        allowed=False,
        retry_after_s=retry_after_s(
            window=window, count=int(count), previous_count=int(previous), limit=limit
        ),
    )


def rate_count_request(*, ident: str, limit: int, duration_s: int, now_ms: int) -> Decision:
    """Count one request of ``ident`` against ``limit`` per ``duration_s``, or refuse it."""
    if limit <= 0:
        return Decision(allowed=False, retry_after_s=duration_s)
    window = Window(now_ms=now_ms, duration_ms=duration_s * 1000)
    url = settings.REDIS_URL
    if url:
        from redis import RedisError

        try:
            return _count_in_redis(url, ident, limit, window)
        except RedisError:
            # Still limited while Redis is away, by the database's own counter.
            logger.warning("Rate counter: Redis unavailable, counting in PostgreSQL")
    return _count_in_postgres(ident, limit, window)
