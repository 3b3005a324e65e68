"""Memory footprint of the whole `make up` stack, as a 4 GB board would feel it.

    python -m bench.stack_footprint                          # the default profile
    python -m bench.stack_footprint --env GUNICORN_THREADS=2 --env Q_WORKERS=1 ...

Starts ``manage.py up`` with a throwaway LUCID_HOME and moved ports, waits for its
banner, warms every HTTP process (``/health/ready`` x20, then ``/api/schema/`` once unless
``--no-schema``, so that the figure is a used stack's rather than a fresh one's), lets it settle
and samples every process: the runner and all its descendants, plus the private
PostgreSQL (the postmaster in ``LUCID_HOME/pg`` and its backends), which ``pg_ctl``
detaches from the runner. Then one SIGINT stops it all.

PSS (proportional set size) is the figure that adds up: a page shared by N processes
counts 1/N in each, so the sum is what the stack really occupies. Summed RSS counts
shared pages (the interpreter, libraries, forked copies) once per process and overstates
it; USS is what each process alone would free. Linux only (``/proc/<pid>/smaps_rollup``),
and PSS of another user's processes (PostgreSQL run as ``postgres``) needs root.

Without DATABASE_URL the stack's own PostgreSQL is included; with it, it is not. Run with
``PYTHONPATH`` pointing at a sitecustomize that hides ``pgserver`` to measure the
system-PostgreSQL fallback. The last line printed is a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
HTTP_PORTS = {
    "tron-client": 8091,
    "payout-router": 8092,
    "wallet-manager": 8093,
    "usdt-manager": 8094,
    "trx-staking": 8096,
    "payment-gateway": 8097,
    "admin": 8098,
}
MB = 1024 * 1024


@dataclass
class Sample:
    role: str
    rss: int
    pss: int
    uss: int


def _role(process: psutil.Process, runner_pid: int, postgres: set[int]) -> str:
    if process.pid == runner_pid:
        return "runner (manage.py up)"
    if process.pid in postgres:
        return "postgres"
    command = " ".join(process.cmdline())
    if "gunicorn" in command:
        master = process.ppid() == runner_pid
        return "gunicorn master" if master else "gunicorn worker"
    if "qcluster" in command or "multiprocessing" in command:
        return "qcluster (worker)"
    if "django scan" in command:
        return "scanner"
    if "-m devnet" in command:
        return "devnet"
    return command[:60]


def _postgres_processes(home: Path) -> list[psutil.Process]:
    try:
        pid = int((home / "pg" / "postmaster.pid").read_text().split()[0])
        postmaster = psutil.Process(pid)
    except (OSError, ValueError, IndexError, psutil.NoSuchProcess):
        return []
    return [postmaster, *postmaster.children(recursive=True)]


def sample_stack(runner_pid: int, home: Path) -> list[Sample]:
    runner = psutil.Process(runner_pid)
    postgres = _postgres_processes(home)
    postgres_pids = {process.pid for process in postgres}
    samples = []
    for process in [runner, *runner.children(recursive=True), *postgres]:
        try:
            memory = process.memory_full_info()
            role = _role(process, runner_pid, postgres_pids)
        except psutil.NoSuchProcess:
            continue
        samples.append(Sample(role=role, rss=memory.rss, pss=memory.pss, uss=memory.uss))
    return samples


def _get(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
    except (urllib.error.URLError, TimeoutError):
        pass  # a 503 from /health/ready still exercises the process


def warm(offset: int, *, schema: bool) -> None:
    for port in HTTP_PORTS.values():
        base = f"http://127.0.0.1:{port + offset}"
        for _ in range(20):
            _get(f"{base}/health/ready")
        if schema:
            _get(f"{base}/api/schema/")


def start_stack(home: Path, offset: int, extra_env: dict[str, str]) -> subprocess.Popen[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LUCID_", "DATABASE_URL"))
    }
    env.update(LUCID_HOME=str(home), DJANGO_SETTINGS_MODULE="lucid_payments.settings.admin")
    env.update(extra_env)
    return subprocess.Popen(
        [sys.executable, "manage.py", "up", "--port-offset", str(offset)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_banner(runner: subprocess.Popen[str], timeout_s: float) -> list[str]:
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert runner.stdout is not None
        for line in runner.stdout:
            lines.append(line.rstrip("\n"))
            if "Press Ctrl-C to stop everything" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout_s):
        raise SystemExit("no banner in time:\n" + "\n".join(lines[-40:]))
    return lines


def summarise(samples: list[Sample]) -> dict[str, Any]:
    roles: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sample in samples:
        role = roles[sample.role]
        role["processes"] += 1
        role["rss_mb"] += sample.rss / MB
        role["pss_mb"] += sample.pss / MB
        role["uss_mb"] += sample.uss / MB
    return {
        "processes": len(samples),
        "rss_mb": round(sum(s.rss for s in samples) / MB),
        "pss_mb": round(sum(s.pss for s in samples) / MB),
        "uss_mb": round(sum(s.uss for s in samples) / MB),
        "roles": {
            name: {key: round(value) for key, value in figures.items()}
            for name, figures in sorted(roles.items(), key=lambda item: -item[1]["pss_mb"])
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-offset", type=int, default=2000)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after warming")
    parser.add_argument(
        "--no-schema", action="store_true", help="do not ask each process for its OpenAPI schema"
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="for every process"
    )
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)

    root = Path(tempfile.mkdtemp(prefix="lucid-footprint-"))
    root.chmod(0o755)  # PostgreSQL run as its own account must reach LUCID_HOME/pg
    home = root / "home"
    runner = start_stack(home, args.port_offset, extra_env)
    try:
        started = time.monotonic()
        wait_for_banner(runner, timeout_s=180)
        up_s = time.monotonic() - started
        warm(args.port_offset, schema=not args.no_schema)
        time.sleep(args.settle)
        summary = summarise(sample_stack(runner.pid, home))
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=90)
        except subprocess.TimeoutExpired:
            runner.kill()
        shutil.rmtree(root, ignore_errors=True)

    width = max(len(name) for name in summary["roles"])
    print(f"{'role':<{width}}  procs    RSS MB    PSS MB    USS MB")
    for name, figures in summary["roles"].items():
        print(
            f"{name:<{width}}  {figures['processes']:>5}  {figures['rss_mb']:>8}  "
            f"{figures['pss_mb']:>8}  {figures['uss_mb']:>8}"
        )
    print(
        json.dumps(
            {"env": extra_env, "schema": not args.no_schema, "up_s": round(up_s, 1), **summary}
        )
    )


if __name__ == "__main__":
    main()
