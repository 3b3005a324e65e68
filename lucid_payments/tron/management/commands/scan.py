"""``manage.py scan``: run the block scanner in the foreground until Ctrl-C / SIGTERM."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lucid_payments.tron.adapter.errors import NodeUnavailable
from lucid_payments.tron.scanner import BlockScanner, scan_once


class Command(BaseCommand):
    help = (
        "Scan the chain in the foreground: record transfers touching watched addresses, "
        "finalize them as blocks solidify, undo forks. Stops cleanly on Ctrl-C or SIGTERM "
        "(the current batch either commits or leaves no trace)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", default=None, help="default: TRON_NETWORK")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between passes once caught up (default 1.0)",
        )
        parser.add_argument(
            "--max-blocks", type=int, default=1000, help="blocks per pass (default 1000)"
        )
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        network = options["network"] or settings.TRON_NETWORK
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous_handler = signal.signal(signal.SIGTERM, request_stop)
        scanner = BlockScanner(network=network)
        self.stdout.write(f"scanning {network}; Ctrl-C to stop")
        failures = 0
        try:
            while not stop.is_set():
                caught_up = True
                try:
                    report = scan_once(scanner, max_blocks=options["max_blocks"])
                    failures = 0
                except NodeUnavailable as exc:
                    failures += 1
                    self.stderr.write(f"node unavailable: {exc}")
                    stop.wait(min(30.0, options["interval"] * 2**failures))
                    continue
                if report is None:
                    self.stdout.write("another scanner holds the lock; waiting")
                elif report.blocks or report.finalized or report.dropped:
                    caught_up = report.caught_up
                    self.stdout.write(
                        f"cursor {report.cursor}/{report.head} (solid {report.solid}): "
                        f"+{report.blocks} blocks, {report.recorded} seen, "
                        f"{report.finalized} final, {report.dropped} dropped"
                    )
                if options["once"]:
                    break
                if caught_up:
                    stop.wait(options["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            scanner.close()
            signal.signal(signal.SIGTERM, previous_handler)
        self.stdout.write("scanner stopped")
