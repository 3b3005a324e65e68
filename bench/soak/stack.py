"""The platform as ``manage.py up`` runs it (lucid_payments.stack: the same children, the
same supervisor that restarts a crashed one), on a fresh database and on free ports, with
a devnet that makes blocks every second and solidifies them a few blocks later so that a
short run sees its money final."""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from lucid_payments.stack.health import is_healthy
from lucid_payments.stack.processes import ChildSpec, StackOptions, stack_children
from lucid_payments.stack.services import DEVNET_PORT, SERVICES
from lucid_payments.stack.supervisor import Backoff, Supervisor

REPO = Path(__file__).resolve().parents[2]
WORKER_SETTINGS = "lucid_payments.settings.admin"
BLOCK_TIME_S = 1
# Forks may drop at most this many blocks minus one: a solidified block never leaves.
SOLID_LAG = 4
# A killed worker or scanner is back within seconds, as under an orchestrator.
RESTART_BACKOFF = Backoff(initial_s=1.0, maximum_s=2.0, reset_after_s=10.0)


@dataclass(frozen=True)
class StackSettings:
    database_server: str  # a PostgreSQL URL; the soak makes a database of its own there
    workdir: Path
    # Environment for every process on top of the soak's own (node retry tuning, ...).
    extra_env: Mapping[str, str]
    # The HTTP services to run, by name; None: all of them, as ``manage.py up`` does.
    services: tuple[str, ...] | None = None


@dataclass
class RunningStack:
    supervisor: Supervisor
    options: StackOptions
    env: dict[str, str]
    api_key: str
    kyc_customer_id: int  # a customer of the soak's client with an approved KYC

    def url(self, service: str) -> str:
        for candidate in SERVICES:
            if candidate.name == service:
                return self.options.url(candidate.port)
        raise KeyError(service)

    @property
    def devnet_url(self) -> str:
        return self.options.devnet_url

    def kill(self, name: str) -> None:
        """SIGKILL the process and everything it started; the supervisor restarts it."""
        self.supervisor.child(name).signal_group(signal.SIGKILL)

    def restarts(self) -> dict[str, int]:
        return {child.name: child.restarts for child in self.supervisor.children}

    def run_module(self, module: str, timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
        """``python -m module`` against the soak's database and node."""
        return subprocess.run(
            [sys.executable, "-m", module],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )


def _with_database(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new empty database on ``server_url``'s server, dropped afterwards."""
    name = f"soak_{os.getpid()}_{secrets.token_hex(3)}"
    admin = _with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_offset() -> int:
    """An offset moving every standard port (8090-8098) onto free ones, far from the
    standard ports that other stacks on this machine use."""
    ports = [DEVNET_PORT, *(service.port for service in SERVICES)]
    for _attempt in range(200):
        offset = random.randrange(11_000, 50_000, 100)
        if all(_port_free(port + offset) for port in ports):
            return offset
    raise RuntimeError("no free block of ports found")


def _soak_env(settings: StackSettings, database_url: str) -> dict[str, str]:
    """What every process of the soak gets on top of the environment it inherits."""
    return {
        "DATABASE_URL": database_url,
        "LUCID_HOME": str(settings.workdir),
        "LUCID_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        # The database is the broker: no Redis database shared with other runs.
        "REDIS_URL": "",
        "WEBHOOK_ALLOWED_CIDRS": "127.0.0.0/8",  # the receiver is local
        "PYTHONPATH": str(REPO),
        **settings.extra_env,
    }


def _fast_devnet(spec: ChildSpec, options: StackOptions) -> ChildSpec:
    argv = (
        sys.executable,
        "-m",
        "devnet",
        "--host",
        options.host,
        "--port",
        str(options.port(DEVNET_PORT)),
        "--block-time",
        str(BLOCK_TIME_S),
        "--solid-lag",
        str(SOLID_LAG),
    )
    return replace(spec, argv=argv)


def soak_children(
    options: StackOptions, env: Mapping[str, str], services: tuple[str, ...] | None
) -> list[ChildSpec]:
    """The children of ``manage.py up``, each with the soak's environment under its own
    settings module, and the devnet made fast."""
    http = {service.name for service in SERVICES}
    children = []
    for spec in stack_children(options):
        if services is not None and spec.name in http and spec.name not in services:
            continue
        spec = replace(spec, env={**spec.env, **env})
        children.append(_fast_devnet(spec, options) if spec.name == "devnet" else spec)
    return children


def _prepare(env: Mapping[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.soak.prepare"],
        cwd=REPO,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"preparing the database failed:\n{done.stdout}\n{done.stderr}")
    prepared: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return prepared


def _supervise(supervisor: Supervisor, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        supervisor.check()


def _kill_all(supervisor: Supervisor) -> None:
    """A throwaway stack ends at once: every process group killed together (stopping
    them gracefully, one by one, takes tens of seconds on a busy machine)."""
    for child in supervisor.children:
        child.signal_group(signal.SIGKILL)
    for child in supervisor.children:
        if child.process is not None:
            child.process.wait()
            child.finish_output()


def _wait_healthy(specs: list[ChildSpec], supervisor: Supervisor, timeout_s: float) -> None:
    pending = [spec for spec in specs if spec.health_url is not None]
    deadline = time.monotonic() + timeout_s
    while pending:
        pending = [spec for spec in pending if not is_healthy(spec)]
        if not pending:
            return
        if time.monotonic() > deadline:
            tails = {s.name: list(supervisor.child(s.name).tail) for s in pending}
            raise RuntimeError(f"not answering after {timeout_s} s: {tails}")
        time.sleep(0.3)


# Started once the database is migrated: they read its tables as soon as they run.
NEEDS_MIGRATED_DATABASE = ("worker", "scanner")


@contextmanager
def running_stack(settings: StackSettings, *, report: Any = print) -> Iterator[RunningStack]:
    """Database, devnet, the HTTP processes, the worker and the scanner, all answering;
    everything stopped and the database dropped on exit."""
    with scratch_database(settings.database_server) as database_url:
        env = _soak_env(settings, database_url)
        options = StackOptions(
            lucid_home=settings.workdir,
            port_offset=free_port_offset(),
            database_url=database_url,
        )
        specs = soak_children(options, env, settings.services)
        supervisor = Supervisor(
            specs,
            log_dir=settings.workdir / "logs",
            report=lambda message: report(f"stack: {message.splitlines()[0]}"),
            backoff=RESTART_BACKOFF,
        )
        stop = threading.Event()
        watcher = threading.Thread(target=_supervise, args=(supervisor, stop), daemon=True)
        try:
            # The devnet and the HTTP processes boot while the database is migrated: on a
            # busy machine each start costs many seconds, so they overlap.
            for child in supervisor.children:
                if child.name not in NEEDS_MIGRATED_DATABASE:
                    child.start(time.monotonic())
            watcher.start()
            prepared = _prepare(env)
            for name in NEEDS_MIGRATED_DATABASE:
                supervisor.child(name).start(time.monotonic())
            _wait_healthy(specs, supervisor, timeout_s=180)
            command_env = {
                **os.environ,
                **env,
                "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
                "TRON_NODE_URL": options.devnet_url,
            }
            yield RunningStack(
                supervisor,
                options,
                command_env,
                prepared["api_key"],
                prepared["kyc_customer_id"],
            )
        finally:
            stop.set()
            if watcher.is_alive():
                watcher.join()
            _kill_all(supervisor)
