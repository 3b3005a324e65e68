"""The per-key rate limit holds under parallel clients: 8 clients sending 120 requests in
parallel to a multi-worker server with a limit of 50 get exactly 50 answers and 70
refusals (429, our error shape, ``Retry-After``), whichever store counts."""

from __future__ import annotations

import http.client
import json
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from lucid_payments.accounts.models import Customer
from tests.security.gunicorn_process import gunicorn_service
from tests.security.probe_key import ProbeKey, probe_key_create

LIMIT = 50
# An hour, not a minute: the sliding window then lets no extra request in while the
# test runs, so the count is exact (unless the test straddles the top of an hour).
RATE = f"{LIMIT}/hour"
CLIENTS = 8
REQUESTS = 120
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def probe_key(transactional_db: None) -> ProbeKey:
    return probe_key_create()


@pytest.fixture(params=["postgresql", "redis"])
def api_server(
    request: pytest.FixtureRequest, tmp_path: Path, probe_key: ProbeKey
) -> Iterator[str]:
    """The payout router on two workers of four threads, its limit at 50 per key."""
    env = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4", "API_RATE_LIMIT": RATE}
    env["REDIS_URL"] = _redis_or_skip() if request.param == "redis" else ""
    with gunicorn_service("lucid_payments.settings.payout_router", tmp_path, env=env) as service:
        yield service.base_url


def _hour() -> int:
    return int(time.time()) // 3600


def test_parallel_clients_get_exactly_the_limit(api_server: str, probe_key: ProbeKey) -> None:
    customer = Customer.objects.create(client=probe_key.client, external_ref="rate-probe")
    authorization = {"Authorization": f"Bearer {probe_key.plaintext}"}
    port = int(api_server.rsplit(":", 1)[1])
    path = f"/api/v1/customers/{customer.pk}"

    def client(_: int) -> list[tuple[int, str | None, dict[str, object]]]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        answers = []
        for _request in range(REQUESTS // CLIENTS):
            connection.request("GET", path, headers=authorization)
            response = connection.getresponse()
            answers.append(
                (response.status, response.getheader("Retry-After"), json.loads(response.read()))
            )
        connection.close()
        return answers

    hour_before = _hour()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [answer for batch in pool.map(client, range(CLIENTS)) for answer in batch]
    straddled_an_hour = _hour() != hour_before

    statuses = Counter(status for status, _, _ in answers)
    assert set(statuses) <= {200, 429}, statuses
    if straddled_an_hour:
        assert statuses[200] <= LIMIT, statuses
    else:
        assert statuses == {200: LIMIT, 429: REQUESTS - LIMIT}, statuses
    for status, retry_after, body in answers:
        if status == 429:
            assert retry_after is not None and int(retry_after) >= 1
            assert body["error"]["code"] == "throttled"
            assert set(body["error"]) == {"code", "message", "fields"}
