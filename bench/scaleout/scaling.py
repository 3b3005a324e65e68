"""What grows with more nodes: API requests per second with one HTTP copy and with two
(a balancer in front of each set), and webhook deliveries per second with one qcluster
worker and with two (a backlog queued in Redis while no worker runs, then drained)."""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from typing import Any

import psutil

from bench.scaleout.api import ApiClient
from bench.scaleout.harness import Running, wait_listening
from bench.scaleout.receiver import WebhookReceiver


class MachineBusy:
    """How busy the machine's cores were from its creation to ``percent()`` (every
    process: ours, PostgreSQL, and whatever else shares the machine). Near 100 %, a
    figure that does not grow is bound by the cores, not by the topology."""

    def __init__(self) -> None:
        self.before = psutil.cpu_times()

    def percent(self) -> float:
        after = psutil.cpu_times()
        total = sum(after) - sum(self.before)
        idle = (after.idle + after.iowait) - (self.before.idle + self.before.iowait)
        return round(100 * (1 - idle / total), 1) if total else 0.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def api_rate(
    client: ApiClient, *, threads: int, seconds: float, read_customer: int | None = None
) -> dict[str, Any]:
    """From ``threads`` clients, a connection per request: ``POST /api/v1/customers`` (an
    idempotent write: the customer, its audit row and the stored response), or with
    ``read_customer`` ``GET /api/v1/customers/{id}`` (a read: key check and one row)."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def one() -> bool:
        if read_customer is not None:
            status, _ = client.once("GET", f"/api/v1/customers/{read_customer}")
            return status == 200
        status, _ = client.once(
            "POST",
            "/api/v1/customers",
            {"external_ref": uuid.uuid4().hex},
            idempotency_key=uuid.uuid4().hex,
        )
        return status == 201

    def load() -> None:
        nonlocal failures
        while time.monotonic() < deadline:
            began = time.monotonic()
            ok = one()
            with lock:
                if ok:
                    latencies.append(time.monotonic() - began)
                else:
                    failures += 1

    busy = MachineBusy()
    started = time.monotonic()
    workers = [threading.Thread(target=load) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    return {
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "requests": len(latencies),
        "failures": failures,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        "machine_cpu_busy_pct": busy.percent(),
    }


def api_scaling(running: Running, *, threads: int, seconds: float) -> dict[str, Any]:
    copies = running.http["payout-router"]
    made = running.api("payout-router").call(
        "POST", "/api/v1/customers", {"external_ref": uuid.uuid4().hex}, idempotent=True
    )
    customer_id = int(made.body["id"])
    results: dict[str, Any] = {}
    for count in (1, 2):
        balancer = running.topology.start_balancer(f"payout-router-{count}-copies", copies[:count])
        assert balancer.port is not None
        wait_listening(balancer.port)
        client = ApiClient(balancer.url, running.key)
        results[f"write_copies_{count}"] = api_rate(client, threads=threads, seconds=seconds)
        results[f"read_copies_{count}"] = api_rate(
            client, threads=threads, seconds=seconds, read_customer=customer_id
        )
        balancer.kill()
    return results


def _queue_invoices(running: Running, count: int) -> set[str]:
    """Invoices (so ``invoice.created`` events and their deliveries) made while no
    worker runs: the deliveries wait in Redis."""
    api = running.api("payment-gateway")
    made: set[str] = set()
    lock = threading.Lock()

    def create(n: int) -> None:
        for _ in range(n):
            answer = api.call(
                "POST", "/api/v1/invoices", {"amount": "1", "asset": "TRX"}, idempotent=True
            )
            with lock:
                made.add(answer.body["id"])

    threads = [threading.Thread(target=create, args=(count // 4,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return made


def _drain(
    receivers: list[WebhookReceiver], invoices: set[str], timeout_s: float
) -> dict[str, Any]:
    expected = len(invoices) * len(receivers)
    started = time.time()
    busy = MachineBusy()
    deadline = time.monotonic() + timeout_s

    def arrival_times() -> list[float]:
        times = []
        for receiver in receivers:
            with receiver.lock:
                times += [
                    receiver.first_at[i]
                    for i, obj in receiver.objects.items()
                    if obj in invoices and receiver.types[i] == "invoice.created"
                ]
        return times

    while time.monotonic() < deadline and len(arrival_times()) < expected:
        time.sleep(0.2)
    times = arrival_times()
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    return {
        "deliveries": len(times),
        "expected": expected,
        "deliveries_per_s": round(len(times) / span, 1) if span else None,
        "from_worker_start_s": round(max(times) - started, 1) if times else None,
        "machine_cpu_busy_pct": busy.percent(),
    }


def webhook_scaling(
    running: Running, receivers: list[WebhookReceiver], *, events: int, timeout_s: float
) -> dict[str, Any]:
    topology = running.topology
    results: dict[str, Any] = {}
    for count in (1, 2):
        for worker in running.workers:
            worker.kill()
        invoices = _queue_invoices(running, events)
        for worker in running.workers[:count]:
            topology.restart(worker)
        results[f"workers_{count}"] = _drain(receivers, invoices, timeout_s)
    for worker in running.workers:
        if not worker.alive():
            topology.restart(worker)
    return results
