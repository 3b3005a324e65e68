"""The scale-out topology, short: two payment-gateway copies behind a round-robin
balancer, two ``qcluster`` workers on one Redis broker, two scanners, one PostgreSQL and
the devnet, all as separate processes on free ports (bench/scaleout). The long run with
SIGKILLs under load is ``python -m bench.scaleout``.

Needs Redis (REDIS_URL, default the local one at 127.0.0.1:6379): without it these tests
skip and say so.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.scaleout.harness import Layout, Running, running_layout
from bench.scaleout.receiver import WebhookReceiver
from bench.scaleout.redis_lease import redis_reachable
from tests.deploy.support import scratch_database

REDIS_BASE_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
DELIVER_TASK = "gateway.webhooks.tasks.webhook_deliver_task"
INVOICES = 24

pytestmark = [pytest.mark.heavy(minutes=2), pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> Iterator[Running]:
    unreachable = redis_reachable(REDIS_BASE_URL)
    if unreachable:
        pytest.skip(f"the Redis broker path needs Redis: {unreachable}")
    layout = Layout(services={"payment-gateway": 2}, workers=2, scanners=2)
    with (
        django_db_blocker.unblock(),  # the scratch database is made on the suite's server
        scratch_database("lucid_scaleout") as database_url,
        running_layout(
            layout,
            database_url=database_url,
            redis_base_url=REDIS_BASE_URL,
            workdir=tmp_path_factory.mktemp("scaleout"),
        ) as topology,
    ):
        yield topology


@pytest.fixture(scope="module")
def subscribed(running: Running, receiver: WebhookReceiver) -> Running:
    answer = running.api("payment-gateway").call(
        "POST", "/api/v1/webhook-endpoints", {"url": receiver.url, "events": ["*"]}
    )
    assert answer.status == 201, answer.body
    receiver.secret = answer.body["secret"]
    return running


def _create_invoice(running: Running, key: str) -> tuple[int, dict[str, object]]:
    answer = running.api("payment-gateway").call(
        "POST",
        "/api/v1/invoices",
        {"amount": "1.5", "asset": "TRX"},
        idempotency_key=key,
    )
    return answer.status, answer.body


def _served_posts(node_log: Path) -> int:
    return len(re.findall(r'"POST /api/v1/invoices ', node_log.read_text(errors="replace")))


def _wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_two_workers_on_redis_deliver_every_task_once(
    subscribed: Running, receiver: WebhookReceiver
) -> None:
    created = [_create_invoice(subscribed, uuid.uuid4().hex) for _ in range(INVOICES)]
    assert {status for status, _ in created} == {201}

    # Every invoice.created event reaches the receiver, verified, under one webhook-id.
    assert _wait(lambda: len(receiver.ids_of_type("invoice.created")) >= INVOICES, 60)
    assert receiver.unverified == 0
    assert receiver.arrivals and max(receiver.arrivals.values()) == 1
    invoice_ids = {body["id"] for _, body in created}
    assert {receiver.objects[i] for i in receiver.ids_of_type("invoice.created")} == invoice_ids

    # Both workers took tasks off the one broker, and no task ran twice.
    processed = {
        worker.name: re.findall(
            rf"processing (\S+) '{re.escape(DELIVER_TASK)}'", worker.log_path.read_text()
        )
        for worker in subscribed.workers
    }
    assert all(processed.values()), {name: len(tasks) for name, tasks in processed.items()}
    every_task = Counter(task for tasks in processed.values() for task in tasks)
    assert sum(every_task.values()) >= INVOICES
    assert max(every_task.values()) == 1

    # The copies behind the balancer both served some of the POSTs.
    gateway_copies = subscribed.http["payment-gateway"]
    assert all(_served_posts(copy.log_path) > 0 for copy in gateway_copies)


def test_an_idempotent_post_is_served_once_by_two_copies_even_when_one_dies(
    subscribed: Running,
) -> None:
    key = uuid.uuid4().hex
    copies = subscribed.http["payment-gateway"]
    before = [_served_posts(copy.log_path) for copy in copies]
    first = _create_invoice(subscribed, key)
    second = _create_invoice(subscribed, key)  # next connection: the other copy
    assert first[0] == second[0] == 201
    assert first[1] == second[1]
    after = [_served_posts(copy.log_path) for copy in copies]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1]

    copies[0].kill()
    third = _create_invoice(subscribed, key)
    assert third == first

    database_url = subscribed.topology.settings.database_url
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM invoices_invoice WHERE public_id = %s", [first[1]["id"]]
        ).fetchone()
    assert row == (1,)


def test_killing_the_active_scanner_hands_over_to_the_standby(subscribed: Running) -> None:
    topology = subscribed.topology
    active, _ = topology.wait_for_lock_holder(subscribed.scanners, timeout_s=20)
    assert active is not None, [s.log_tail() for s in subscribed.scanners]
    (standby,) = [scanner for scanner in subscribed.scanners if scanner is not active]
    assert "standby: another scanner holds the lock" in standby.log_tail(200)
    cursor_before = _cursor(topology.settings.database_url)

    active.kill()
    holder, took_s = topology.wait_for_lock_holder([standby], timeout_s=10)
    assert holder is standby, standby.log_tail()
    assert took_s < 5
    # …and it scans: the cursor moves on from where the dead one left it.
    assert _wait(lambda: _cursor(topology.settings.database_url) > cursor_before + 2, 15)


def _cursor(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT block_number FROM tron_scancursor").fetchone()
    return int(row[0]) if row else -1
