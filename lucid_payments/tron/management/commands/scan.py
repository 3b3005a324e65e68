"""``manage.py scan``: run the block scanner in the foreground until Ctrl-C / SIGTERM."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lucid_payments.tron.adapter.errors import NodeUnavailable
from lucid_payments.tron.scanner import BlockScanner, scan_once, scanner_lock


class Command(BaseCommand):
    help = (
        "Scan the chain in the foreground: record transfers touching watched addresses, "
        "finalize them as blocks solidify, undo forks. Stops cleanly on Ctrl-C or SIGTERM "
        "(the current batch either commits or leaves no trace). One scanner per network leads "
        "(it holds the network's advisory lock while it runs); others wait as standby and "
        "take over when it stops or dies."
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
        announced_standby = False
        try:
            while not stop.is_set():
                # The lock is held for as long as this process leads, not per pass: a
                # second `scan` (another machine's) stays standby instead of taking turns,
                # and takes over within one interval of the leader's death (the server
                # ends a dead client's session, and its locks with it).
                with scanner_lock(network) as leading:
                    if not leading:
                        if options["once"]:
                            self.stdout.write("another scanner holds the lock")
                            break
                        if not announced_standby:
                            self.stdout.write("standby: another scanner holds the lock")
                            announced_standby = True
                        stop.wait(options["interval"])
                        continue
                    announced_standby = False
                    self.stdout.write("active: this scanner holds the lock")
                    self._scan_while_leading(scanner, stop, options)
                if options["once"]:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            scanner.close()
            signal.signal(signal.SIGTERM, previous_handler)
        self.stdout.write("scanner stopped")

    def _scan_while_leading(
        self, scanner: BlockScanner, stop: threading.Event, options: dict[str, Any]
    ) -> None:
        """Scan until stopped, or until the lock is found lost (the database session
        was replaced), which sends this process back to standby."""
        failures = 0
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
                self.stdout.write("lost the scanner lock to another scanner; standing by")
                return
            if report.blocks or report.finalized or report.dropped:
                caught_up = report.caught_up
                self.stdout.write(
                    f"cursor {report.cursor}/{report.head} (solid {report.solid}): "
                    f"+{report.blocks} blocks, {report.recorded} seen, "
                    f"{report.finalized} final, {report.dropped} dropped"
                )
            if options["once"]:
                return
            if caught_up:
                stop.wait(options["interval"])
