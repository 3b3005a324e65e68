"""``manage.py up``: prepare the database, start every process, wait until they answer,
print the banner, and keep them running until Ctrl-C."""

from __future__ import annotations

import signal
import socket
import threading
import time
from dataclasses import dataclass
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from rich.console import Console
from rich.markup import escape

from lucid_payments.stack.banner import BannerFacts, print_banner
from lucid_payments.stack.bootstrap import (
    DemoApiKey,
    DevAdmin,
    ensure_dev_admin,
    issue_demo_api_key,
)
from lucid_payments.stack.health import is_healthy
from lucid_payments.stack.processes import (
    ChildSpec,
    StackOptions,
    node_url_for_children,
    stack_children,
)
from lucid_payments.stack.services import DEVNET_PORT, SERVICES
from lucid_payments.stack.supervisor import Supervisor

POLL_INTERVAL_S = 0.5


@dataclass(frozen=True)
class RunOptions:
    stack: StackOptions
    health_timeout_s: float = 90.0
    echo_logs: bool = False
    # Why the devnet is not started, when it is not.
    devnet_note: str | None = None


def busy_ports(options: StackOptions) -> list[int]:
    """Ports of ours that something else already listens on (often an earlier ``up``)."""
    wanted = [service.port for service in SERVICES]
    if options.start_devnet:
        wanted.append(DEVNET_PORT)
    busy = []
    for standard in wanted:
        port = options.port(standard)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((options.host or "127.0.0.1", port))
            except OSError:
                busy.append(port)
    return busy


def prepare_database(console: Console) -> None:
    console.print("[bold]up:[/] migrating the database")
    call_command("migrate", interactive=False, verbosity=0)
    # Django's cache lives in the database, shared by every process.
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def development_credentials(console: Console) -> tuple[DevAdmin | None, DemoApiKey | None]:
    if settings.PRODUCTION:
        console.print("[bold]up:[/] production: no development credentials are created")
        return None, None
    return ensure_dev_admin(), issue_demo_api_key()


class _StopRequest:
    """Ctrl-C (or SIGTERM) once: stop gracefully. Twice: stop now."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.hurry = threading.Event()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested.is_set():
            self.hurry.set()
            return
        self.requested.set()

    def install(self) -> None:
        signal.signal(signal.SIGINT, self)
        signal.signal(signal.SIGTERM, self)


def _report_unhealthy(console: Console, supervisor: Supervisor, pending: set[str]) -> None:
    console.print(
        "[bold red]up:[/] not answering yet after the start-up timeout: "
        f"{', '.join(sorted(pending))} (still trying; see their logs)"
    )
    for name in sorted(pending):
        child = supervisor.child(name)
        for line in child.tail:
            console.print(f"  {name}: {line}", markup=False, highlight=False, soft_wrap=True)


def supervise(
    console: Console,
    run: RunOptions,
    specs: list[ChildSpec],
    facts: BannerFacts,
) -> int:
    log_dir = facts.log_dir

    def echo(name: str, line: str) -> None:
        console.print(f"{name:>15} | {line}", markup=False, highlight=False, soft_wrap=True)

    supervisor = Supervisor(
        specs,
        log_dir=log_dir,
        # escape(): crash reports quote the child's output, whose "[INFO]" is not markup.
        report=lambda message: console.print(
            f"[bold yellow]up:[/] {escape(message)}", highlight=False
        ),
        echo=echo if run.echo_logs else None,
    )
    stop = _StopRequest()
    stop.install()
    by_name = {spec.name: spec for spec in specs}
    pending = {spec.name for spec in specs if spec.health_url is not None}
    started = time.monotonic()
    warned = False
    console.print(f"[bold]up:[/] starting {', '.join(by_name)}")
    supervisor.start_all()
    try:
        while not stop.requested.wait(POLL_INTERVAL_S):
            supervisor.check()
            if not pending:
                continue
            pending = {name for name in pending if not is_healthy(by_name[name])}
            if not pending:
                elapsed = time.monotonic() - started
                console.print(f"[bold green]up:[/] every process answers ({elapsed:.1f} s)")
                print_banner(console, facts)
            elif not warned and time.monotonic() - started > run.health_timeout_s:
                warned = True
                _report_unhealthy(console, supervisor, pending)
    finally:
        console.print("[bold]up:[/] stopping every process")
        supervisor.stop_all(force=stop.hurry.is_set)
        console.print("[bold]up:[/] stopped")
    return 0


def run_stack(console: Console, run: RunOptions) -> int:
    options = run.stack
    busy = busy_ports(options)
    if busy:
        console.print(
            f"[bold red]up:[/] port(s) {', '.join(map(str, busy))} on {options.host} are in use"
            " (is another `make up` running?). Stop it, or choose --port-offset."
        )
        return 2
    if run.devnet_note is not None:
        console.print(f"[bold yellow]up:[/] devnet: {run.devnet_note}", highlight=False)
    prepare_database(console)
    admin, api_key = development_credentials(console)
    node_url = node_url_for_children(options) or settings.TRON_NODE_URL
    facts = BannerFacts(
        options=options,
        log_dir=options.lucid_home / "logs",
        admin=admin,
        api_key=api_key,
        devnet_note=run.devnet_note,
        node_url=node_url,
    )
    return supervise(console, run, stack_children(options), facts)
