"""Helpers for the deployment tests: scratch databases, free ports, child processes."""

from __future__ import annotations

import os
import random
import secrets
import socket
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import psycopg
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


def _server() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def database_url(name: str) -> str:
    """A DATABASE_URL for database ``name`` on the server the test suite uses."""
    db = _server()
    user = quote(db.get("USER") or "postgres", safe="")
    password = db.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = db.get("HOST") or ""
    if host.startswith("/"):
        # The embedded server listens on a Unix socket only.
        return f"postgresql://{credentials}@/{name}?host={quote(host, safe='')}"
    port = db.get("PORT") or 5432
    return f"postgresql://{credentials}@{host or 'localhost'}:{port}/{name}"


def _admin_connection() -> psycopg.Connection[Any]:
    db = _server()
    return psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """An empty database for one test, dropped afterwards; yields its DATABASE_URL."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with _admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As servers do: connections of ours in TIME_WAIT must not count as "in use".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_port_offset(standard_ports: Iterable[int]) -> int:
    """An offset that moves every standard port onto a free one."""
    ports = list(standard_ports)
    for _attempt in range(200):
        offset = random.randrange(10_000, 50_000, 100)
        if all(port_is_free(port + offset) for port in ports):
            return offset
    raise RuntimeError("no free block of ports found")


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def still_running(processes: Iterable[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            continue
    return alive


def kill_all(processes: Iterable[psutil.Process]) -> None:
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue


def wait_until(predicate: Any, *, timeout_s: float, interval_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return bool(predicate())


def world_reachable(path: Path) -> bool:
    """Whether another (non-root) user can reach and read/execute ``path``."""
    path = path.resolve()
    for directory in [*reversed(path.parents), path if path.is_dir() else path.parent]:
        if not directory.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & (stat.S_IROTH | stat.S_IXOTH))
