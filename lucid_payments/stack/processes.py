"""How each child of the stack is launched: its argv, environment and health URL.

Children are started with the interpreter that runs ``manage.py up`` and by module
(``-m gunicorn``, ``-m django``, ``-m devnet``), so they work the same from a checkout
and from an installed package.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lucid_payments.stack.services import DEVNET_PORT, SERVICES, Service

WORKER_SETTINGS_MODULE = "lucid_payments.settings.admin"


@dataclass(frozen=True)
class StackOptions:
    """What the person running ``up`` chose."""

    lucid_home: Path
    host: str = "127.0.0.1"
    port_offset: int = 0
    # DATABASE_URL handed to every child; None = the children read their own environment.
    database_url: str | None = None
    start_devnet: bool = True
    gunicorn_workers: int = 1

    def port(self, standard_port: int) -> int:
        return standard_port + self.port_offset

    def url(self, standard_port: int) -> str:
        # 0.0.0.0 listens everywhere, but a browser needs an address it can reach.
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port(standard_port)}"

    @property
    def devnet_url(self) -> str:
        return self.url(DEVNET_PORT)


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(repr=False)
    # Polled until it answers; None = "running" is all we can know.
    health_url: str | None = None
    # Whether any HTTP answer (not only a 200) counts as up: the devnet's node API is
    # not ours, so any answer below 500 proves that it listens.
    healthy_on_any_answer: bool = False


def devnet_available() -> bool:
    """The devnet is its own package (devnet/); it may not have a CLI yet."""
    try:
        return importlib.util.find_spec("devnet.cli") is not None
    except ModuleNotFoundError:
        return False


def _base_env(options: StackOptions, *, node_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["LUCID_HOME"] = str(options.lucid_home)
    env["PYTHONUNBUFFERED"] = "1"
    if options.database_url is not None:
        # Without this each child would start (or join) the local server on its own.
        env["DATABASE_URL"] = options.database_url
    if node_url is not None:
        env["TRON_NODE_URL"] = node_url
    return env


def node_url_for_children(options: StackOptions) -> str | None:
    """Point the children at our devnet unless the user chose a node themselves."""
    if not options.start_devnet:
        return None
    if os.environ.get("TRON_NODE_URL") or os.environ.get("TRON_NODE_URLS"):
        return None
    return options.devnet_url


def http_child(service: Service, options: StackOptions) -> ChildSpec:
    env = _base_env(options, node_url=node_url_for_children(options))
    env["DJANGO_SETTINGS_MODULE"] = service.settings_module
    env["PROMETHEUS_MULTIPROC_DIR"] = str(options.lucid_home / "run" / "prometheus" / service.name)
    env.setdefault("GUNICORN_WORKERS", str(options.gunicorn_workers))
    argv = (
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:lucid_payments.gunicorn_conf",
        "--bind",
        f"{options.host}:{options.port(service.port)}",
        "--name",
        f"lucid-{service.name}",
        "lucid_payments.wsgi:application",
    )
    return ChildSpec(
        name=service.name,
        argv=argv,
        env=env,
        health_url=f"{options.url(service.port)}/health/live",
    )


def worker_child(options: StackOptions) -> ChildSpec:
    env = _base_env(options, node_url=node_url_for_children(options))
    env["DJANGO_SETTINGS_MODULE"] = WORKER_SETTINGS_MODULE
    return ChildSpec(name="worker", argv=(sys.executable, "-m", "django", "qcluster"), env=env)


def scanner_child(options: StackOptions) -> ChildSpec:
    """The low-latency block scanner (``manage.py scan``). The worker's every-minute
    ``scanner_tick`` is only a safety net; without this loop a deposit would be "seen"
    up to a minute late. Both share one advisory lock, so they never scan twice."""
    env = _base_env(options, node_url=node_url_for_children(options))
    env["DJANGO_SETTINGS_MODULE"] = WORKER_SETTINGS_MODULE
    return ChildSpec(name="scanner", argv=(sys.executable, "-m", "django", "scan"), env=env)


def devnet_state_file(options: StackOptions) -> Path:
    return options.lucid_home / "devnet" / "state.json"


def devnet_child(options: StackOptions) -> ChildSpec:
    state = devnet_state_file(options)
    state.parent.mkdir(parents=True, exist_ok=True)
    argv = (
        sys.executable,
        "-m",
        "devnet",
        "--host",
        options.host,
        "--port",
        str(options.port(DEVNET_PORT)),
        "--state",
        str(state),
    )
    env = _base_env(options, node_url=None)
    return ChildSpec(
        name="devnet",
        argv=argv,
        env=env,
        health_url=f"{options.devnet_url}/wallet/getnodeinfo",
        healthy_on_any_answer=True,
    )


def stack_children(options: StackOptions) -> list[ChildSpec]:
    """Every child in start order: the chain first, since the others read from it."""
    children: list[ChildSpec] = []
    if options.start_devnet:
        children.append(devnet_child(options))
    children.extend(http_child(service, options) for service in SERVICES)
    children.append(worker_child(options))
    children.append(scanner_child(options))
    return children
