"""Payment-gateway benchmark: invoice creation and the checkout page, over real HTTP.

    python -m bench.gateway                      # 400 invoices, 300 page loads
    python -m bench.gateway --invoices 100 --pages 100   # quicker look

payment-gateway runs under gunicorn (the image's config, ``--workers`` workers) against a
throwaway database of its own (``bench_gateway_<pid>``, dropped at the end). Two phases:

1. ``POST /api/v1/invoices`` (each with its own Idempotency-Key) from ``--threads``
   keep-alive clients at once: requests per second over the phase's wall time, and p50 /
   p99 latency. Each call derives and stores a fresh HD address, writes the invoice, its
   audit row and its ``invoice.created`` event in one transaction.
2. Time to first byte of ``GET /pay/{id}`` (the checkout page: invoice lookup, payments,
   QR code, template) and of ``GET /bench/bare`` (a view that returns a constant page,
   through the same middleware and server), alternating one of each from one keep-alive
   client so that both see the same load. The figure is ``ttfb_ratio`` = bare p95 /
   checkout p95 (1.0: the page costs nothing over the stack; the goal is at least 0.4).

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parents[1]
BENCH_MASTER_KEY = (
    "YmVuY2gtbWFzdGVyLWtleS0zMi1ieXRlcy1sb25nISE="  # b"bench-master-key-32-bytes-long!!"
)


def setup_database() -> tuple[Any, str]:
    """A migrated throwaway database; (connection, its name)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    os.environ.setdefault("LUCID_MASTER_KEY", BENCH_MASTER_KEY)
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = f"bench_gateway_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, name


def database_url(name: str) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres", safe="")
    password = db.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = db.get("HOST") or ""
    if host.startswith("/"):
        return f"postgresql://{credentials}@/{name}?host={quote(host, safe='')}"
    return f"postgresql://{credentials}@{host or 'localhost'}:{db.get('PORT') or 5432}/{name}"


def api_key(scopes: list[str] | None = None) -> str:
    from lucid_payments.accounts.scopes import Scope
    from lucid_payments.accounts.services import api_key_create, client_create

    client = client_create(name=f"bench-gateway-{os.getpid()}")
    _, key = api_key_create(client=client, name="bench", scopes=scopes or [Scope.GATEWAY])
    return key


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    db_name: str, workers: int, home: Path, settings_module: str = "bench.gateway_settings"
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(db_name),
        "LUCID_HOME": str(home),
        "LUCID_ENV": "development",
        "LUCID_MASTER_KEY": BENCH_MASTER_KEY,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": "",
        "API_RATE_LIMIT": "100000000/min",
        "CHECKOUT_STATUS_RATE": "100000000/min",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", "python:lucid_payments.gunicorn_conf",
        "lucid_payments.wsgi:application",
    ]  # fmt: skip
    log = (home / "gunicorn.log").open("w")
    process = subprocess.Popen(command, env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/live", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start: {(home / 'gunicorn.log').read_text()}")


@contextmanager
def served(
    workers: int, settings_module: str = "bench.gateway_settings", scopes: list[str] | None = None
) -> Iterator[tuple[str, str]]:
    """(base URL, API key) of a gunicorn on a throwaway database, both gone afterwards."""
    connection, db_name = setup_database()
    key = api_key(scopes)
    connection.close()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-gateway-") as home:
            process, base = start_gunicorn(db_name, workers, Path(home), settings_module)
            try:
                yield base, key
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def create_invoices(
    base: str, key: str, total: int, threads: int
) -> tuple[list[str], dict[str, Any]]:
    latencies: list[float] = []
    ids: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)
    errors: list[str] = []

    def worker(count: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as http:
            http.get("/api/v1/invoices?limit=1")  # connect before the clock starts
            start.wait()
            for i in range(count):
                body = {"asset": "USDT", "amount": "12.5", "order_id": f"bench-{i}"}
                began = time.perf_counter()
                response = http.post(
                    "/api/v1/invoices", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
                )
                elapsed = time.perf_counter() - began
                with lock:
                    if response.status_code != 201:
                        errors.append(f"{response.status_code} {response.text[:200]}")
                        continue
                    latencies.append(elapsed)
                    ids.append(response.json()["id"])

    shares = [total // threads + (1 if t < total % threads else 0) for t in range(threads)]
    workers = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in workers:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in workers:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} invoice creations failed, e.g. {errors[0]}")
    return ids, {
        "invoices": total,
        "threads": threads,
        "create_rps": round(total / wall, 1),
        "create_p50_ms": round(1000 * statistics.median(latencies), 1),
        "create_p99_ms": round(1000 * percentile(latencies, 0.99), 1),
    }


def ttfb(http: httpx.Client, path: str) -> float:
    """Seconds from sending the request to the first byte of the body."""
    began = time.perf_counter()
    with http.stream("GET", path) as response:
        chunks = response.iter_raw()
        next(chunks, None)
        elapsed = time.perf_counter() - began
        for _ in chunks:  # drain, so the connection is reused
            pass
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code}")
    return elapsed


def page_ttfb(base: str, ids: list[str], pages: int) -> dict[str, Any]:
    checkout: list[float] = []
    bare: list[float] = []
    with httpx.Client(base_url=base) as http:
        for i in range(10):  # warm both up (templates, connections, QR code import)
            ttfb(http, f"/pay/{ids[i % len(ids)]}")
            ttfb(http, "/bench/bare")
        for i in range(pages):
            checkout.append(ttfb(http, f"/pay/{ids[i % len(ids)]}"))
            bare.append(ttfb(http, "/bench/bare"))
    checkout_p95 = percentile(checkout, 0.95)
    bare_p95 = percentile(bare, 0.95)
    return {
        "pages": pages,
        "checkout_ttfb_p50_ms": round(1000 * statistics.median(checkout), 2),
        "checkout_ttfb_p95_ms": round(1000 * checkout_p95, 2),
        "bare_ttfb_p50_ms": round(1000 * statistics.median(bare), 2),
        "bare_ttfb_p95_ms": round(1000 * bare_p95, 2),
        "ttfb_ratio": round(bare_p95 / checkout_p95, 2),
        "ttfb_ratio_p50": round(statistics.median(bare) / statistics.median(checkout), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"gunicorn_workers": args.workers}
    with served(args.workers) as (base, key):
        ids, created = create_invoices(base, key, args.invoices, args.threads)
        results |= created
        print(
            f"invoice create: {created['create_rps']} /s, p50 {created['create_p50_ms']} "
            f"ms, p99 {created['create_p99_ms']} ms",
            flush=True,
        )
        pages = page_ttfb(base, ids, args.pages)
        results |= pages
        print(
            f"TTFB p95: checkout {pages['checkout_ttfb_p95_ms']} ms, bare "
            f"{pages['bare_ttfb_p95_ms']} ms, ratio {pages['ttfb_ratio']}",
            flush=True,
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
