"""Several copies of each process on one machine, as an operator who outgrew one machine
runs them: HTTP copies behind a round-robin balancer, ``qcluster`` workers sharing one
Redis broker, two scanners of which the advisory lock keeps one active, PostgreSQL the
one source of truth, and the devnet as the chain.

Every process gets a free port (never the standard 8090-8098) and its own process group,
so that ``kill`` takes a whole node down at once (a qcluster and its worker processes, a
gunicorn master and its workers), as a crashed machine would. Each process's database
sessions carry its name (``PGAPPNAME``), which is how the active scanner is found: the
session that holds the scanner's advisory lock.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from lucid_payments.stack.processes import StackOptions, http_child
from lucid_payments.stack.services import SERVICES, Service
from lucid_payments.tron.scanner.lock import scanner_lock_key

REPO = Path(__file__).resolve().parents[2]
WORKER_SETTINGS = "lucid_payments.settings.admin"
DEVNET_SEED = 0
# Variables of the caller that must not leak into the children: they would point them at
# another database, node or broker, or at the test suite's settings.
_NOT_INHERITED = ("DATABASE_URL_FILE", "TRON_NODE_URLS", "DJANGO_SETTINGS_MODULE")
_NOT_INHERITED_PREFIXES = ("PYTEST_", "GUNICORN_", "LUCID_TEST_")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_named(name: str) -> Service:
    return next(service for service in SERVICES if service.name == name)


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


@dataclass
class Node:
    """One process of the topology (with its children, in a process group of its own)."""

    name: str
    role: str  # devnet, http, balancer, worker, scanner
    argv: list[str]
    env: dict[str, str] = field(repr=False)
    log_path: Path
    port: int | None = None
    health_path: str | None = None
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self) -> bool:
        if not self.alive():
            return False
        if self.health_path is None:
            return True
        status = http_status(self.url + self.health_path)
        return status is not None and (status < 500 if self.role == "devnet" else status == 200)

    def kill(self) -> None:
        """SIGKILL to the whole group: the node dies mid-work, nothing is cleaned up."""
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class TopologySettings:
    database_url: str
    redis_url: str
    workdir: Path
    master_key: str
    block_time_s: float = 1.0
    solid_lag: int = 3
    q_workers: int = 3  # per qcluster: the webhook and outgoing sweeps hold one each
    extra_env: Mapping[str, str] = field(default_factory=dict)


class Topology:
    """Start, kill and stop the nodes; find the active scanner."""

    def __init__(self, settings: TopologySettings) -> None:
        self.settings = settings
        self.nodes: list[Node] = []
        (settings.workdir / "logs").mkdir(parents=True, exist_ok=True)
        self.devnet: Node | None = None

    # -- environment -----------------------------------------------------------------
    def base_env(self, name: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _NOT_INHERITED and not key.startswith(_NOT_INHERITED_PREFIXES)
        }
        env.update(
            PYTHONPATH=str(REPO),
            PYTHONUNBUFFERED="1",
            PGAPPNAME=name,
            LUCID_HOME=str(self.settings.workdir / "home"),
            LUCID_ENV="development",
            LUCID_MASTER_KEY=self.settings.master_key,
            DATABASE_URL=self.settings.database_url,
            REDIS_URL=self.settings.redis_url,
            TRON_NETWORK="devnet",
            TRON_SCAN_START_BLOCK="0",
            TRON_NODE_BACKOFF_MAX_S="0.5",
            # The webhook receivers of the workloads listen on loopback.
            WEBHOOK_ALLOWED_CIDRS="127.0.0.0/8",
            # One API key drives all the load: the per-key limit is not what is measured.
            API_RATE_LIMIT="1000000/min",
            Q_WORKERS=str(self.settings.q_workers),
        )
        if self.devnet is not None:
            env["TRON_NODE_URL"] = self.devnet.url
        env.update(self.settings.extra_env)
        return env

    def _add(self, node: Node) -> Node:
        self.nodes.append(node)
        node.start()
        return node

    def _log(self, name: str) -> Path:
        return self.settings.workdir / "logs" / f"{name}.log"

    # -- nodes -----------------------------------------------------------------------
    def start_devnet(self) -> Node:
        port = free_port()
        self.devnet = self._add(
            Node(
                name="devnet",
                role="devnet",
                argv=[
                    sys.executable,
                    "-m",
                    "devnet",
                    "--port",
                    str(port),
                    "--block-time",
                    str(self.settings.block_time_s),
                    "--solid-lag",
                    str(self.settings.solid_lag),
                    "--seed",
                    str(DEVNET_SEED),
                    "--quiet",
                ],
                env=self.base_env("devnet"),
                log_path=self._log("devnet"),
                port=port,
                health_path="/wallet/getnodeinfo",
            )
        )
        return self.devnet

    def http_copy(self, service_name: str, copy: int) -> Node:
        service = service_named(service_name)
        name = f"{service.name}-{copy}"
        port = free_port()
        env = self.base_env(name)
        env.update(
            DJANGO_SETTINGS_MODULE=service.settings_module,
            GUNICORN_WORKERS="1",
            PROMETHEUS_MULTIPROC_DIR=str(self.settings.workdir / "prometheus" / name),
        )
        # The same command line as `make up` uses for this service, on our free port.
        options = StackOptions(lucid_home=self.settings.workdir, port_offset=port - service.port)
        argv = list(http_child(service, options).argv)
        return Node(name, "http", argv, env, self._log(name), port, "/health/live")

    def start_http(self, service_name: str, copies: int) -> list[Node]:
        return [self._add(self.http_copy(service_name, n)) for n in range(1, copies + 1)]

    def start_balancer(self, name: str, backends: Iterable[Node]) -> Node:
        port = free_port()
        argv = [sys.executable, "-m", "bench.scaleout.balancer", "--listen", f"127.0.0.1:{port}"]
        for backend in backends:
            argv += ["--backend", f"127.0.0.1:{backend.port}"]
        node = Node(name, "balancer", argv, self.base_env(name), self._log(name), port)
        return self._add(node)

    def worker(self, number: int) -> Node:
        name = f"worker-{number}"
        env = self.base_env(name)
        env["DJANGO_SETTINGS_MODULE"] = WORKER_SETTINGS
        argv = [sys.executable, "-m", "django", "qcluster"]
        return Node(name, "worker", argv, env, self._log(name))

    def start_workers(self, count: int, first: int = 1) -> list[Node]:
        return [self._add(self.worker(n)) for n in range(first, first + count)]

    def scanner(self, number: int) -> Node:
        name = f"scanner-{number}"
        env = self.base_env(name)
        env["DJANGO_SETTINGS_MODULE"] = WORKER_SETTINGS
        argv = [sys.executable, "-m", "django", "scan", "--interval", "0.5"]
        return Node(name, "scanner", argv, env, self._log(name))

    def start_scanners(self, count: int) -> list[Node]:
        return [self._add(self.scanner(n)) for n in range(1, count + 1)]

    def restart(self, node: Node) -> Node:
        """The same process started again (a supervisor bringing a node back)."""
        node.start()
        return node

    # -- state -----------------------------------------------------------------------
    def wait_healthy(self, nodes: Iterable[Node], timeout_s: float = 90.0) -> None:
        pending = list(nodes)
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            for node in list(pending):
                if not node.alive():
                    raise RuntimeError(f"{node.name} exited:\n{node.log_tail()}")
                if node.healthy():
                    pending.remove(node)
            time.sleep(0.2)
        if pending:
            tails = "\n".join(f"--- {node.name}\n{node.log_tail()}" for node in pending)
            raise RuntimeError(f"not healthy after {timeout_s} s:\n{tails}")

    def scanner_lock_holder(self, network: str = "devnet") -> str | None:
        """The PGAPPNAME of the session holding the network's scanner lock, if any."""
        key = scanner_lock_key(network)
        query = (
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 "
            "AND l.objid::bigint = %s AND l.objsubid = 1 "
            # Advisory locks are per database: other runs' scanners hold the same key.
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        with psycopg.connect(self.settings.database_url, autocommit=True) as conn:
            row = conn.execute(query, [key]).fetchone()
        return str(row[0]) if row else None

    def wait_for_lock_holder(
        self, candidates: Iterable[Node], timeout_s: float
    ) -> tuple[Node | None, float]:
        """The first of ``candidates`` seen holding the scanner lock, and how long it took."""
        by_name = {node.name: node for node in candidates}
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            holder = self.scanner_lock_holder()
            if holder in by_name:
                return by_name[holder], time.monotonic() - started
            time.sleep(0.05)
        return None, time.monotonic() - started

    def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM to every node at once, then SIGKILL whatever is left after ``grace_s``
        (a qcluster finishes its running task first, and a sweep runs for most of a
        minute: nothing here needs it finished)."""
        for node in self.nodes:
            if node.alive():
                node.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(node.alive() for node in self.nodes):
            time.sleep(0.1)
        for node in self.nodes:
            node.signal_group(signal.SIGKILL)
            if node.process is not None:
                node.process.wait()

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
