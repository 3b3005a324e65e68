"""``manage.py devnet``: run the local TRON devnet (same flags as ``python -m devnet``)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the local TRON devnet node; every argument goes to `python -m devnet` "
        "(try `manage.py devnet --help`). See devnet/README.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Only for `manage.py help devnet`; run_from_argv hands the real arguments over untouched.
        parser.add_argument("devnet_args", nargs="*", help="arguments for python -m devnet")

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [prog, "devnet", *args]; the devnet parses its own flags (and --help), which
        # Django's parser would reject as unknown.
        sys.exit(self._run_devnet(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:
        # Reached through call_command("devnet", ...).
        code = self._run_devnet(list(options.get("devnet_args") or args))
        if code:
            raise CommandError(f"the devnet exited with code {code}", returncode=code)

    @staticmethod
    def _run_devnet(argv: list[str]) -> int:
        try:
            from devnet.cli import main
        except ImportError as exc:
            raise CommandError(f"The devnet package is not available: {exc}") from exc
        return main(argv)
