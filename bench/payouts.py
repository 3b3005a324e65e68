"""Payout-router benchmark: payouts per second end to end on the devnet, from accepted to
confirmed (final on chain, the hold settled and the network fee booked).

    python -m bench.payouts                           # 1000 TRX payouts, 2 worker processes
    python -m bench.payouts --payouts 300 --workers 4  # quicker look

A throwaway database (``bench_payouts_<pid>``, dropped at the end) and a devnet on a free
port in this process, producing a block every ``--block-time`` seconds (solidified 3
blocks behind, as in the tests). One client's hot wallet is funded on chain through the
scanner. Then ``--workers`` processes, each a worker of the platform, accept their share of
the payouts (``payout_create``: limits, hold, events), and send them (django-q runs inline
in these settings, so acceptance hands each payout straight to ``payout_send`` and the
outgoing machinery signs and broadcasts it), then track their transactions until every
payout is confirmed. The figure is ``payouts_per_s`` = payouts / wall time from the first
acceptance to the last confirmation; ``steady_payouts_per_s`` the rate once the pipeline is
full (see ``_timings``); ``latency_p50_s`` / ``latency_p95_s`` are per payout.

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.gateway import database_url, setup_database

UNIT = 1_000_000
SOLID_LAG = 3


def _setup_platform(node_url: str, payouts: int) -> tuple[int, int, list[str]]:
    """(client id, customer id, destinations): a client whose hot wallet holds enough TRX
    on chain and on the ledger, credited by the scanner like any deposit."""
    import httpx
    from django.conf import settings

    from lucid_payments.accounts.services import client_create, customer_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from lucid_payments.tron.adapter.node import reset_node
    from lucid_payments.tron.scanner import BlockScanner, scan_once
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.selectors import owner_balances
    from wallets.models.wallets import WalletKind
    from wallets.services import wallet_create

    settings.TRON_NODE_URLS = [node_url]
    settings.TRON_NODE_URL = node_url
    settings.TRON_SCAN_START_BLOCK = 0
    reset_node()
    client = client_create(name=f"bench-payouts-{os.getpid()}")
    customer = customer_create(
        client=client, external_ref="bench", actor=AuditActor.system("bench")
    )
    wallet = wallet_create(kind=WalletKind.HOT, client=client)
    need = payouts * 2 * UNIT + 100 * UNIT
    accounts = httpx.get(f"{node_url}/devnet/accounts", timeout=10).json()["accounts"]
    httpx.post(
        f"{node_url}/devnet/faucet", json={"address": wallet.address, "trx": need}, timeout=10
    ).raise_for_status()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        scan_once(BlockScanner())
        balances = {
            b.asset: b.available for b in owner_balances(owner=LedgerOwner.client(client.pk))
        }
        if balances.get(Asset.TRX, 0) >= need:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("the hot wallet's funding was not credited within a minute")
    # Genesis accounts exist already: no activation, the ordinary bandwidth cost.
    destinations = [a["address"] for a in accounts[1:-1]]
    return client.pk, customer.pk, destinations


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving database ``name`` (their process
    title names it), sampled every ``interval_s`` from a thread: a backend that comes and
    goes between two samples is missed, so this is a lower bound. ``own_s`` is what the
    sampling cost this process (taken out of the devnet's figure)."""

    def __init__(self, name: str, interval_s: float = 0.5) -> None:
        self.name = name
        self.interval_s = interval_s
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.own_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        started = time.thread_time()
        for process in psutil.process_iter(["cmdline"]):
            title = " ".join(process.info["cmdline"] or ())
            if "postgres:" not in title or f" {self.name} " not in title:
                continue
            try:
                cpu = _cpu_s(process)
            except psutil.Error:
                continue
            self.first.setdefault(process.pid, cpu)
            self.last[process.pid] = cpu
        self.own_s += time.thread_time() - started

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def __enter__(self) -> BackendCpu:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _connect(env: dict[str, str]) -> None:
    """Django set up in this process, talking to the devnet."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    from lucid_payments.tron.adapter.node import reset_node

    settings.TRON_NODE_URLS = [env["TRON_NODE_URL"]]
    settings.TRON_TX_REBROADCAST_S = 5
    # The production default (the test settings read the heads for every copy, since the
    # tests mine faster than real time); this devnet's blocks come in real time.
    settings.TRON_TX_REFERENCE_REUSE_S = 1.0
    reset_node()


def _profiled(name: str, run: Callable[..., dict[str, float]], *args: Any) -> dict[str, float]:
    """``run(*args)``, under cProfile into ``$BENCH_PROFILE_DIR/<name>.prof`` if that is set."""
    directory = os.environ.get("BENCH_PROFILE_DIR")
    if not directory:
        return run(*args)
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(run, *args)
    finally:
        profile.dump_stats(os.path.join(directory, f"{name}.prof"))


def _cpu_s(process: Any) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


class _Statements:
    """Counts the SQL statements this process sends (savepoints included; BEGIN and
    COMMIT are not sent as statements): the figure that does not depend on the load."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        self.count += 1
        return execute(*args)


def _acceptor(*args: Any) -> dict[str, float]:
    return _profiled(f"accept-{args[0]}", _accept, *args)


def _accept(
    shard: int, count: int, env: dict[str, str], ids: tuple[int, int], destinations: list[str]
) -> dict[str, float]:
    """One API copy: accept ``count`` payouts one after another (``payout_create``; the
    send, sign and broadcast it enqueues run inline, as a worker would run them). Returns
    its CPU seconds."""
    import psutil

    _connect(env)
    from django.db import connection

    from lucid_payments.accounts.models import Client, Customer
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from payouts.services import payout_create

    client = Client.objects.get(pk=ids[0])
    customer = Customer.objects.get(pk=ids[1])
    actor = AuditActor.system("bench.payouts")
    me = psutil.Process()
    statements = _Statements()
    cpu = _cpu_s(me)
    with connection.execute_wrapper(statements):
        for n in range(count):
            payout_create(
                client=client,
                customer=customer,
                destination=destinations[(shard + n) % len(destinations)],
                asset=Asset.TRX,
                amount=UNIT + shard * 10_000 + n,
                reference=f"bench-{shard}-{n}",
                actor=actor,
            )
    return {"cpu_s": _cpu_s(me) - cpu, "statements": statements.count}


def _tracker(*args: Any) -> dict[str, float]:
    return _profiled("track", _track, *args)


def _track(env: dict[str, str], total: int, pause_s: float) -> dict[str, float]:
    """The worker's tracking loop: the outgoing sweep (every transaction in flight, found
    by block) every ``pause_s``, and the queued-payout catch-up, until all ``total``
    payouts have ended. Returns its CPU seconds and its rounds."""
    import psutil

    _connect(env)
    from django.db import connection

    from lucid_payments.tron.outgoing.steps import outgoing_sweep
    from payouts.models import Payout, PayoutStatus
    from payouts.sending import payouts_resume

    ended = Payout.objects.filter(status__in=(PayoutStatus.CONFIRMED, PayoutStatus.FAILED))
    me = psutil.Process()
    cpu = _cpu_s(me)
    rounds = 0
    deadline = time.monotonic() + 120 + total
    statements = _Statements()
    while ended.count() < total:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {ended.count()} of {total} payouts ended in time")
        with connection.execute_wrapper(statements):  # the bench's own count is not counted
            outgoing_sweep(limit=max(200, total))
            rounds += 1
            if rounds % 10 == 0:
                payouts_resume()
        time.sleep(pause_s)
    return {"cpu_s": _cpu_s(me) - cpu, "rounds": rounds, "statements": statements.count}


def _timings() -> tuple[list[float], float, float, int]:
    """(latency per confirmed payout, seconds from the first acceptance to the last
    confirmation, steady confirmations per second, payouts not confirmed), from the
    payouts' own timestamps. Steady: confirmations between the 10th and the 90th
    percentile of their times, per second between those two, leaving out the filling of
    the pipeline (nothing confirms in the first blocks) and its draining (nothing is
    accepted in the last ones)."""
    from payouts.models import Payout

    rows = list(Payout.objects.values_list("created_at", "confirmed_at"))
    done = [(created, confirmed) for created, confirmed in rows if confirmed is not None]
    latencies = sorted((confirmed - created).total_seconds() for created, confirmed in done)
    span = max(c for _, c in done) - min(c for c, _ in done)
    confirmed_at = sorted(confirmed for _, confirmed in done)
    low, high = len(done) // 10, len(done) - 1 - len(done) // 10
    middle = (confirmed_at[high] - confirmed_at[low]).total_seconds()
    steady = (high - low) / middle if middle > 0 else 0.0
    return latencies, span.total_seconds(), steady, len(rows) - len(done)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=1000, help="payouts in all (1000)")
    parser.add_argument("--workers", type=int, default=2, help="accepting processes (2)")
    parser.add_argument(
        "--block-time", type=float, default=1.0, help="seconds between devnet blocks (1.0)"
    )
    parser.add_argument(
        "--sweep-pause", type=float, default=0.5, help="seconds between sweep rounds (0.5)"
    )
    args = parser.parse_args(argv)
    import psutil

    connection, db_name = setup_database()
    from bench.scaleout.scaling import MachineBusy
    from devnet.testing import running_devnet

    try:
        with running_devnet(block_time=args.block_time, solid_lag=SOLID_LAG) as chain:
            client_id, customer_id, destinations = _setup_platform(chain.url, args.payouts)
            print(f"funded; {args.payouts} payouts over {args.workers} workers", file=sys.stderr)
            env = {
                "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.test",
                "DATABASE_URL": database_url(db_name),
                "TRON_NODE_URL": chain.url,
                "TRON_NETWORK": "devnet",
                "LUCID_MASTER_KEY": os.environ["LUCID_MASTER_KEY"],
            }
            shares = [args.payouts // args.workers] * args.workers
            for extra in range(args.payouts % args.workers):
                shares[extra] += 1
            context = multiprocessing.get_context("spawn")
            load_start = os.getloadavg()
            busy = MachineBusy()
            here = psutil.Process()
            devnet_cpu = _cpu_s(here)
            started = time.time()
            with BackendCpu(db_name) as backends, context.Pool(args.workers + 1) as pool:
                tracking = pool.apply_async(_tracker, (env, args.payouts, args.sweep_pause))
                accepting = pool.starmap_async(
                    _acceptor,
                    [
                        (shard, share, env, (client_id, customer_id), destinations)
                        for shard, share in enumerate(shares)
                    ],
                )
                acceptors = accepting.get()
                tracker = tracking.get()
            wall = time.time() - started
            devnet_cpu = _cpu_s(here) - devnet_cpu - backends.own_s
            machine_busy = busy.percent()
            latencies, span, steady, failed = _timings()
    finally:
        connection.close()
        connection.creation.destroy_test_db(db_name, verbosity=0)
    n = len(latencies)
    workers_cpu = sum(a["cpu_s"] for a in acceptors) + tracker["cpu_s"]
    db_cpu = backends.seconds
    figures: dict[str, Any] = {
        "payouts": n,
        "failed": failed,
        "workers": args.workers,
        "block_time_s": args.block_time,
        "sweep_pause_s": args.sweep_pause,
        "span_s": round(span, 2),
        "payouts_per_s": round(n / span, 2),
        "steady_payouts_per_s": round(steady, 2),
        "latency_p50_s": round(statistics.median(latencies), 2),
        "latency_p95_s": round(latencies[int(0.95 * (n - 1))], 2),
        "wall_with_startup_s": round(wall, 2),
        "sweep_rounds": tracker["rounds"],
        # CPU per payout, by whom: accepting (create, send, sign, broadcast), tracking,
        # their PostgreSQL backends, and this process (the devnet: HTTP and blocks).
        "cpu_ms_per_payout": {
            "accept": round(1000 * sum(a["cpu_s"] for a in acceptors) / n, 1),
            "track": round(1000 * tracker["cpu_s"] / n, 1),
            "postgres": round(1000 * db_cpu / n, 1),
            "devnet": round(1000 * devnet_cpu / n, 1),
            "all": round(1000 * (workers_cpu + db_cpu + devnet_cpu) / n, 1),
        },
        # Statements sent per payout (accepting; tracking, all its sweep rounds together).
        "statements_per_payout": {
            "accept": round(sum(a["statements"] for a in acceptors) / n, 1),
            "track": round(tracker["statements"] / n, 1),
        },
        "machine_cpu_busy_pct": machine_busy,
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
