"""Webhook delivery benchmark: events fanned out to local receivers, signed and sent.

    python -m bench.webhooks                 # 10,000 events x 3 receivers
    python -m bench.webhooks --events 1000   # quicker look

One thread publishes ``--events`` events, each in its own transaction as the domain apps
do (the event row, and in the same transaction one delivery row per endpoint: 3 endpoints
subscribed to ``*``, each with its own receiver, a threaded ``http.server`` on 127.0.0.1).
After each commit the deliveries are handed to ``--workers`` worker threads through an
in-process queue standing in for the django-q broker; each worker runs the task the
broker would run (``webhook_deliver_task``: claim under the per-endpoint in-flight limit,
SSRF check, sign with standardwebhooks, POST, record the attempt). Publishing and delivery
overlap, as in production. Then a backlog phase: ``--backlog`` more events are published
while the workers hold their tasks (a receiver's outage, a worker restart), and are then
released.

Measured: ``deliveries_per_s`` (deliveries received ÷ time from the first commit to the
last receipt) and the latency from an event's commit to its receipt at a receiver (p50,
p95, max) in the live phase; ``backlog_deliveries_per_s`` (the backlog's deliveries ÷ time
from release to the last receipt): the delivery side alone. Checked: each receiver
verifies every body on arrival with ``standardwebhooks.Webhook(secret).verify``
(``unverified`` counts failures), and at the end every delivery is ``delivered`` in the
database and every receiver got every event once (``duplicates``). The broker's own
latency (Redis, a worker picking the task) is not in these figures.

The run uses a throwaway database of its own (``bench_webhooks_<pid>``) and drops it. The
last line printed is a JSON object with the figures and the inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TEST_MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE="


def setup_django() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    os.environ.setdefault("LUCID_MASTER_KEY", TEST_MASTER_KEY)
    os.environ["WEBHOOK_ALLOWED_CIDRS"] = "127.0.0.0/8"  # the receivers are local
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = f"bench_webhooks_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection


@dataclass
class Receipts:
    at: dict[tuple[int, str], float] = field(default_factory=dict)  # (receiver, id) → time
    secrets: list[str] = field(default_factory=list)  # per receiver
    unverified: int = 0
    duplicates: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)
    expected: int = 0


def start_receiver(number: int, receipts: Receipts) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            now = time.time()
            key = (number, self.headers["webhook-id"])
            # As a receiver does on arrival: the library also checks the timestamp's age.
            verified = _verifies(receipts.secrets[number], body, dict(self.headers.items()))
            with receipts.lock:
                receipts.unverified += not verified
                if key in receipts.at:
                    receipts.duplicates += 1
                else:
                    receipts.at[key] = now
                    if len(receipts.at) >= receipts.expected:
                        receipts.done.set()
            self.send_response(204 if verified else 400)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(events: int, receivers: int, workers: int, backlog: int) -> dict[str, Any]:
    from django.db import connection, transaction

    import gateway.webhooks.fanout as fanout
    from gateway.webhooks.models import DeliveryStatus, WebhookDelivery
    from gateway.webhooks.services import endpoint_create
    from gateway.webhooks.tasks import webhook_deliver_task
    from lucid_payments.accounts.services import client_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.events.services import event_publish

    receipts = Receipts(expected=events * receivers)
    servers = [start_receiver(n, receipts) for n in range(receivers)]
    tenant = client_create(name="bench-webhooks")
    for n, server in enumerate(servers):
        made = endpoint_create(
            client=tenant,
            url=f"http://127.0.0.1:{server.server_address[1]}/hooks/{n}",
            events=["*"],
            description=f"bench receiver {n}",
            actor=AuditActor.system("bench"),
        )
        receipts.secrets.append(made.secret)

    work: queue.Queue[int | None] = queue.Queue()
    fanout.deliveries_enqueue = lambda ids: [work.put(i) for i in ids]  # type: ignore[assignment]
    errors: list[BaseException] = []

    gate = threading.Event()  # closed: workers hold their tasks (a backlog builds up)
    gate.set()

    def worker() -> None:
        try:
            while (delivery_id := work.get()) is not None:
                gate.wait()
                webhook_deliver_task(delivery_id)
        except BaseException as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()

    committed_at: dict[str, float] = {}

    def publish(numbers: range) -> None:
        for n in numbers:
            named: list[str] = []
            with transaction.atomic():
                # Registered first, so it runs right after the commit, before the enqueue.
                transaction.on_commit(
                    lambda named=named: committed_at.update({named[0]: time.time()})
                )
                event = event_publish(
                    type="deposit.credited",
                    client_id=tenant.pk,
                    object_id=f"bench:{n}",
                    data={"id": f"bench:{n}", "amount": {"amount": "12.5", "asset": "USDT"}},
                )
                named.append(event.public_id)

    # Live: delivery runs while events are published, as in production.
    started = time.time()
    publish(range(events))
    published = time.time()
    finished = receipts.done.wait(timeout=max(120.0, events * receivers / 20))
    last = max(receipts.at.values()) if receipts.at else time.time()
    received = len(receipts.at)
    latencies = [at - committed_at[webhook_id] for (_, webhook_id), at in receipts.at.items()]

    # Backlog: deliveries queued while the workers were held, then sent as fast as they go
    # (after a receiver's outage, say): the delivery side's own rate.
    drained_per_s = None
    if backlog:
        gate.clear()
        with receipts.lock:
            receipts.expected += backlog * receivers
            receipts.done.clear()
        publish(range(events, events + backlog))
        opened = time.time()
        gate.set()
        finished = receipts.done.wait(timeout=max(120.0, backlog * receivers / 20)) and finished
        drained = len(receipts.at) - received
        drained_per_s = round(drained / (max(receipts.at.values()) - opened), 1)
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join()
    for server in servers:
        server.shutdown()
    if errors:
        raise errors[0]

    statuses = {
        status: WebhookDelivery.objects.filter(status=status).count()
        for status in DeliveryStatus.values
    }
    return {
        "events": events,
        "receivers": receivers,
        "workers": workers,
        "all_received": finished,
        "backlog": backlog,
        "deliveries_received": len(receipts.at),
        "duplicates": receipts.duplicates,
        "unverified": receipts.unverified,
        "statuses": statuses,
        "publish_s": round(published - started, 2),
        "events_published_per_s": round(events / (published - started), 1),
        "deliveries_per_s": round(received / (last - started), 1),
        "backlog_deliveries_per_s": drained_per_s,
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "latency_max_ms": round(max(latencies) * 1000, 1),
    }


def _verifies(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--receivers", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8, help="delivery worker threads")
    parser.add_argument(
        "--backlog", type=int, default=1000, help="events of the backlog phase (0: none)"
    )
    args = parser.parse_args(argv)
    connection = setup_django()
    try:
        figures = run(args.events, args.receivers, args.workers, args.backlog)
    finally:
        connection.close()
        connection.creation.destroy_test_db(
            f"bench_webhooks_{os.getpid()}", verbosity=0, keepdb=False
        )
    print(json.dumps(figures), file=sys.stdout)


if __name__ == "__main__":
    main()
