"""The rate counter's sliding window, in both stores, with the clock injected."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import redis

from lucid_payments.accounts.models import RateWindow
from lucid_payments.accounts.rate_counters import Window, rate_count_request, retry_after_s

MINUTE_MS = 60_000
T0 = 1_800_000_000_000 // MINUTE_MS * MINUTE_MS  # the start of some minute, in ms
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["postgresql", "redis"])
def store(request: pytest.FixtureRequest, settings: pytest.FixtureRequest, db: None) -> str:
    if request.param == "redis":
        try:
            redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip(f"no Redis at {LOCAL_REDIS}")
        settings.REDIS_URL = LOCAL_REDIS
    else:
        settings.REDIS_URL = ""
    return str(request.param)


@pytest.fixture
def ident() -> Iterator[str]:
    """A fresh identity, so that counts left in Redis by other runs never meet this one."""
    yield f"test:{secrets.token_hex(8)}"


def _hits(ident: str, count: int, *, at_ms: int, limit: int = 3) -> list[bool]:
    return [
        rate_count_request(ident=ident, limit=limit, duration_s=60, now_ms=at_ms).allowed
        for _ in range(count)
    ]


def test_the_limit_is_counted_per_identity(store: str, ident: str) -> None:
    assert _hits(ident, 4, at_ms=T0 + 1_000) == [True, True, True, False]
    assert _hits(f"{ident}:other", 1, at_ms=T0 + 1_000) == [True]


def test_a_refusal_says_when_to_come_back_and_is_not_counted(store: str, ident: str) -> None:
    _hits(ident, 3, at_ms=T0 + 30_000)
    refused = rate_count_request(ident=ident, limit=3, duration_s=60, now_ms=T0 + 30_000)
    assert not refused.allowed
    # Next window: the previous three weigh (60 - e) / 60 * 3; one more fits at e = 20 s.
    assert refused.retry_after_s == 50
    assert _hits(ident, 1, at_ms=T0 + 79_999) == [False]
    # The refusals were not counted, so at the promised time the request goes through.
    assert _hits(ident, 1, at_ms=T0 + 80_000) == [True]


def test_the_previous_window_fades_instead_of_resetting(store: str, ident: str) -> None:
    assert _hits(ident, 3, at_ms=T0 + 59_000) == [True, True, True]
    # Right after the boundary a fresh fixed window would allow three more: not here.
    assert _hits(ident, 1, at_ms=T0 + 60_500) == [False]
    # 40 s in, the three weigh one: two more fit.
    assert _hits(ident, 3, at_ms=T0 + 60_000 + 40_000) == [True, True, False]
    # Two windows later nothing of the first is left.
    assert _hits(ident, 3, at_ms=T0 + 180_000) == [True, True, True]


def test_postgresql_keeps_one_row_per_identity(settings: pytest.FixtureRequest, db: None) -> None:
    settings.REDIS_URL = ""
    for minute in range(5):
        _hits("test:rows", 2, at_ms=T0 + minute * MINUTE_MS)
    assert RateWindow.objects.filter(ident="test:rows").count() == 1


def test_an_unreachable_redis_falls_back_to_postgresql(
    settings: pytest.FixtureRequest, db: None
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert _hits("test:fallback", 4, at_ms=T0) == [True, True, True, False]
    assert RateWindow.objects.get(ident="test:fallback").count == 3


@pytest.mark.parametrize(
    ("elapsed_ms", "count", "previous", "limit", "expected_s"),
    [
        (30_000, 3, 0, 3, 50),  # full: in the next window the 3 must fade to 2, at e = 20 s
        (10_000, 0, 3, 3, 10),  # the previous 3 must fade to 2 of 3: at e = 20 s
        (0, 10, 0, 10, 60 + 6),  # next window, and then 10 * (60 - e) / 60 + 1 <= 10
        (59_999, 1, 0, 1, 61),  # limit 1: the next window fully faded, 60.001 s, rounded up
    ],
)
def test_retry_after_is_the_first_second_a_request_is_allowed(
    elapsed_ms: int, count: int, previous: int, limit: int, expected_s: int
) -> None:
    window = Window(now_ms=T0 + elapsed_ms, duration_ms=MINUTE_MS)
    assert (
        retry_after_s(window=window, count=count, previous_count=previous, limit=limit)
        == expected_s
    )
