"""``manage.py up`` (what ``make up`` runs): the whole platform on one machine."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from lucid_payments.localdb import local_database_url
from lucid_payments.settings.environment import secret
from lucid_payments.stack.processes import StackOptions, devnet_available
from lucid_payments.stack.runner import RunOptions, run_stack


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise CommandError(f"{name} must be an integer, got {raw!r}.") from None


def _devnet_note(wanted: bool) -> str | None:
    """None when the devnet is to be started; otherwise why not."""
    if settings.TRON_NETWORK != "devnet":
        return f"not started: TRON_NETWORK={settings.TRON_NETWORK}"
    if not wanted:
        return "not started (--no-devnet)"
    if not devnet_available():
        return "NOT AVAILABLE yet (no devnet/cli.py): /health/ready will report no node"
    return None


class Command(BaseCommand):
    help = (
        "Start the whole platform for development: migrate, then the devnet (when "
        "TRON_NETWORK=devnet), the seven HTTP processes under gunicorn and one qcluster "
        "worker, supervised together. Prints every URL, the admin login and a fresh API "
        "key for a demo client. Ctrl-C stops everything."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("LUCID_BIND_HOST", "127.0.0.1"),
            help="Interface every process binds (env LUCID_BIND_HOST; default 127.0.0.1).",
        )
        parser.add_argument(
            "--port-offset",
            type=int,
            default=_int_env("LUCID_PORT_OFFSET", 0),
            help="Added to every standard port, e.g. 1000 gives 9091-9098 (env LUCID_PORT_OFFSET).",
        )
        parser.add_argument(
            "--no-devnet", action="store_true", help="Do not start the local TRON devnet."
        )
        parser.add_argument(
            "--logs",
            action="store_true",
            help="Show every process's output here too (it always goes to LUCID_HOME/logs/).",
        )
        parser.add_argument(
            "--health-timeout",
            type=float,
            default=90.0,
            help="Seconds to wait for every /health/live before saying which are late.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        devnet_note = _devnet_note(not options["no_devnet"])
        stack = StackOptions(
            lucid_home=settings.LUCID_HOME,
            host=options["host"],
            port_offset=options["port_offset"],
            database_url=_database_url_for_children(),
            start_devnet=devnet_note is None,
            gunicorn_workers=_int_env("GUNICORN_WORKERS", 1),
        )
        console = Console()
        if not console.is_terminal:
            # Piped into a file or a test: no wrapping of URLs and keys at 80 columns.
            console = Console(width=200)
        run = RunOptions(
            stack=stack,
            health_timeout_s=options["health_timeout"],
            echo_logs=options["logs"],
            devnet_note=devnet_note,
        )
        code = run_stack(console, run)
        if code:
            sys.exit(code)


def _database_url_for_children() -> str | None:
    """With DATABASE_URL (or DATABASE_URL_FILE) set the children read it themselves.
    Without it this process has already started the local PostgreSQL (settings did);
    its URL is handed down so that the children share it rather than each joining."""
    if secret("DATABASE_URL"):
        return None
    return local_database_url(settings.LUCID_HOME)
