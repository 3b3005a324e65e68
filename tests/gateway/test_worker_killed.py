"""A worker killed with SIGKILL in the middle of a delivery (the receiver holds the
request) loses nothing: once its lease runs out a restarted worker sends the delivery
again, with the same webhook-id. Real processes, real PostgreSQL, a real receiver."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from gateway.webhooks.claims import LEASE
from gateway.webhooks.models import DeliveryStatus, WebhookDelivery
from lucid_payments.accounts.services import client_create
from lucid_payments.events.services import event_publish
from tests.gateway.conftest import endpoint_for
from tests.gateway.receiver import running_receiver
from tests.tron.scanner.test_killed_process import _database_url
from tests.wallets.conftest import TEST_MASTER_KEY

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def _worker(delivery_id: int, clock_offset_s: float) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.test",
        "DATABASE_URL": _database_url(),
        "LUCID_MASTER_KEY": TEST_MASTER_KEY,
        "WEBHOOK_ALLOWED_CIDRS": "127.0.0.0/8",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.gateway.worker_process",
            str(delivery_id),
            str(clock_offset_s),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_delivery_still_delivers_after_restart() -> None:
    tenant = client_create(name="killed-worker")
    hold = threading.Event()
    with running_receiver(hold_first=hold) as receiver:
        with transaction.atomic():
            event = event_publish(
                type="deposit.credited", client_id=tenant.pk, object_id="tx:0", data={"n": 1}
            )
        made = endpoint_for(tenant, receiver.url)
        # The delivery row as the outbox writes it, without the enqueue (tests run tasks
        # inline, in this process): the worker processes below are the only senders.
        delivery = WebhookDelivery.objects.create(
            endpoint=made.endpoint, event=event, event_type=event.type
        )

        first = _worker(delivery.pk, 0)
        try:
            _wait_for(lambda: len(receiver.received) == 1)  # the receiver holds it open
            first.send_signal(signal.SIGKILL)
        finally:
            first.wait(timeout=30)
        hold.set()
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.claimed_until is not None and not delivery.attempts.exists()

        # Restarted while the dead worker's lease still runs: it keeps its hands off.
        early = _worker(delivery.pk, 0)
        assert early.communicate(timeout=60)[0].strip() == b"0"
        # Once the lease has run out, the delivery is sent again.
        late = _worker(delivery.pk, LEASE.total_seconds() + 1)
        assert late.communicate(timeout=60)[0].strip() == b"1"

        assert len(receiver.received) == 2
        assert {r.headers["webhook-id"] for r in receiver.received} == {event.public_id}
        assert receiver.received[1].verifies_with(made.secret)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [a.status_code for a in delivery.attempts.all()] == [200]
