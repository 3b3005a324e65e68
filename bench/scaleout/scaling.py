"""What grows with more nodes: API requests per second with one HTTP copy and with two
(a balancer in front of each set), and webhook deliveries and payouts per second with one
qcluster worker and with two (a backlog queued in Redis while no worker runs, then
drained)."""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import psutil
import psycopg

from bench.scaleout.api import ApiClient
from bench.scaleout.harness import Running, wait_listening
from bench.scaleout.receiver import WebhookReceiver
from bench.scaleout.topology import Topology
from bench.scaleout.workload import Context, Payouts

T = TypeVar("T")


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


def _in_threads(unit: Callable[[], None], count: int, threads: int = 4) -> None:
    """``unit`` called ``count`` times in all, from ``threads`` clients at once."""

    def run(n: int) -> None:
        for _ in range(n):
            unit()

    workers = [threading.Thread(target=run, args=(count // threads,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def _queue_invoices(running: Running, count: int) -> set[str]:
    """Invoices (so ``invoice.created`` events and their deliveries) made while no
    worker runs: the deliveries wait in Redis."""
    api = running.api("payment-gateway")
    made: set[str] = set()
    lock = threading.Lock()

    def create() -> None:
        answer = api.call(
            "POST", "/api/v1/invoices", {"amount": "1", "asset": "TRX"}, idempotent=True
        )
        with lock:
            made.add(answer.body["id"])

    _in_threads(create, count)
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


def _per_worker_count(
    running: Running, backlog: Callable[[], T], drain: Callable[[T, float], dict[str, Any]]
) -> dict[str, Any]:
    """With every worker stopped, make a ``backlog`` of tasks in Redis; start one worker and
    ``drain`` it; again with two. Every worker runs again afterwards."""
    topology = running.topology
    results: dict[str, Any] = {}
    for count in (1, 2):
        for worker in running.workers:
            worker.kill()
        made = backlog()
        started = time.time()
        for worker in running.workers[:count]:
            topology.restart(worker)
        results[f"workers_{count}"] = drain(made, started)
    for worker in running.workers:
        if not worker.alive():
            topology.restart(worker)
    return results


def webhook_scaling(
    running: Running, receivers: list[WebhookReceiver], *, events: int, timeout_s: float
) -> dict[str, Any]:
    return _per_worker_count(
        running,
        lambda: _queue_invoices(running, events),
        lambda invoices, _started: _drain(receivers, invoices, timeout_s),
    )


class SessionWaits:
    """What the run's database sessions are doing, sampled in a thread from
    ``pg_stat_activity``: how many are active, from which node (``PGAPPNAME``), and how
    many wait for a lock, on which statement. A rate that does not grow with the workers
    names the resource they queue on here, or shows that they do not queue at all."""

    QUERY = (
        "SELECT pid, application_name, state, wait_event_type, wait_event, query, "
        "pg_blocking_pids(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def __init__(self, database_url: str, interval_s: float = 0.25) -> None:
        self.database_url = database_url
        self.interval_s = interval_s
        self.samples = 0
        self.active: Counter[str] = Counter()  # node → active sessions, summed over samples
        self.lock_waits: Counter[str] = Counter()  # "wait_event: statement" → samples
        self.blockers: Counter[str] = Counter()  # "node: its last statement" → samples
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> SessionWaits:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _short(query: object, length: int = 140) -> str:
        return " ".join(str(query).split())[:length]

    def _sample(self) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while not self._stop.wait(self.interval_s):
                self.samples += 1
                sessions = {row[0]: row[1:] for row in conn.execute(self.QUERY)}
                for node, state, wait_type, wait_event, query, blocking in sessions.values():
                    if state != "active":
                        continue
                    self.active[str(node).rsplit("-", 1)[0] or "?"] += 1
                    if wait_type != "Lock":
                        continue
                    self.lock_waits[f"{wait_event}: {self._short(query)}"] += 1
                    for pid in blocking or []:
                        if pid in sessions:
                            blocker, blocker_state, *_, blocker_query, _ = sessions[pid]
                            held = f"{blocker} ({blocker_state}): {self._short(blocker_query)}"
                            self.blockers[held] += 1

    def summary(self) -> dict[str, Any]:
        per_sample = max(1, self.samples)
        return {
            "samples": self.samples,
            "active_sessions_avg": {
                node: round(n / per_sample, 2) for node, n in self.active.most_common()
            },
            "lock_waiting_avg": round(sum(self.lock_waits.values()) / per_sample, 2),
            "top_lock_waits": [
                {"what": what, "share_of_samples": round(n / per_sample, 2)}
                for what, n in self.lock_waits.most_common(3)
            ],
            "top_blockers": [
                {"what": what, "share_of_samples": round(n / per_sample, 2)}
                for what, n in self.blockers.most_common(3)
            ],
        }


class NodeCpu:
    """CPU seconds each kind of node used from its creation to ``seconds()`` (a node and
    its children: a qcluster's processes, a gunicorn's workers), and PostgreSQL's server
    processes (every database on it: other users' too). Beside ``MachineBusy``: which of
    the processes sharing the cores took them."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self.before = self._snapshot()
        self.started = time.monotonic()

    def _snapshot(self) -> dict[int, tuple[str, float]]:
        found: dict[int, tuple[str, float]] = {}

        def add(process: psutil.Process, kind: str) -> None:
            try:
                times = process.cpu_times()
                found[process.pid] = (kind, times.user + times.system)
            except psutil.Error:
                pass

        for node in self.topology.nodes:
            if node.process is None or not node.alive():
                continue
            kind = node.role if node.role != "http" else node.name.rsplit("-", 1)[0]
            try:
                root = psutil.Process(node.process.pid)
                family = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for process in family:
                add(process, kind)
        for process in psutil.process_iter(["name"]):
            if (process.info["name"] or "").startswith("postgres"):
                add(process, "postgresql")
        return found

    def seconds(self) -> dict[str, Any]:
        used: Counter[str] = Counter()
        for pid, (kind, cpu) in self._snapshot().items():
            before = self.before.get(pid)
            used[kind] += cpu - (before[1] if before else 0.0)
        elapsed = time.monotonic() - self.started
        return {
            "elapsed_s": round(elapsed, 1),
            "cores_used": {kind: round(s / elapsed, 2) for kind, s in used.most_common() if s},
        }


def _span_rate(times: list[float]) -> float | None:
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    return round(len(times) / span, 1) if span else None


def _drain_payouts(
    ctx: Context, public_ids: list[str], started: float, timeout_s: float
) -> dict[str, Any]:
    """Until every payout has ended: how fast the workers took them off the queue
    (``sending_per_s``, its transaction recorded), signed and broadcast them, and saw
    them final (``confirmed_per_s``), each from the first to the last."""
    deadline = time.monotonic() + timeout_s
    busy, cpu = MachineBusy(), NodeCpu(ctx.running.topology)
    with SessionWaits(ctx.database_url) as waits:
        while time.monotonic() < deadline:
            (done,) = ctx.sql(
                "SELECT count(*) FROM payouts_payout "
                "WHERE public_id = ANY(%s) AND status = ANY(%s)",
                [public_ids, list(Payouts.ENDED)],
            )[0]
            if done == len(public_ids):
                break
            time.sleep(0.5)
    rows = ctx.sql(
        "SELECT p.status, extract(epoch FROM p.sent_at), extract(epoch FROM p.confirmed_at), "
        "(SELECT extract(epoch FROM min(a.created_at)) FROM tron_outgoingattempt a "
        " WHERE a.outgoing_id = p.outgoing_id) "
        "FROM payouts_payout p WHERE p.public_id = ANY(%s)",
        [public_ids],
    )
    sent = [float(row[1]) for row in rows if row[1] is not None]
    confirmed = [float(row[2]) for row in rows if row[2] is not None]
    signed = [float(row[3]) for row in rows if row[3] is not None]
    return {
        "payouts": len(public_ids),
        "confirmed": sum(1 for row in rows if row[0] == "confirmed"),
        "failed": sum(1 for row in rows if row[0] == "failed"),
        "sending_per_s": _span_rate(sent),
        "broadcast_per_s": _span_rate(signed),
        "confirmed_per_s": _span_rate(confirmed),
        "first_sending_after_start_s": round(min(sent) - started, 1) if sent else None,
        "all_confirmed_after_start_s": round(max(confirmed) - started, 1) if confirmed else None,
        "machine_cpu_busy_pct": busy.percent(),
        "cpu": cpu.seconds(),
        "database": waits.summary(),
    }


def payout_scaling(
    ctx: Context, payouts: Payouts, *, count: int, timeout_s: float
) -> dict[str, Any]:
    """Payouts made (through the payout-router balancer) while no worker runs, so their
    sends wait in Redis; then drained by one worker, and again by two."""

    def backlog() -> list[str]:
        before = set(payouts.payouts)
        _in_threads(lambda: payouts.issue(ctx), count)
        return [public_id for public_id in payouts.payouts if public_id not in before]

    return _per_worker_count(
        ctx.running,
        backlog,
        lambda public_ids, started: _drain_payouts(ctx, public_ids, started, timeout_s),
    )
