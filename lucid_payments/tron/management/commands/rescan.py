"""``manage.py rescan --from N --to M``: scan already-passed blocks again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from lucid_payments.core.errors import ApplicationError
from lucid_payments.tron.scanner.rescan import rescan_range


class Command(BaseCommand):
    help = (
        "Rescan blocks N..M (inclusive, up to the scanner's cursor) for transfers touching "
        "watched addresses, e.g. after watching an address that already received funds. "
        "Idempotent: transfers already recorded are left alone and no event repeats."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=int, required=True)
        parser.add_argument("--to", dest="last", type=int, required=True)
        parser.add_argument("--network", default=None, help="default: TRON_NETWORK")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if first < 0 or last < first:
            raise CommandError("--from must be >= 0 and <= --to")
        network = options["network"] or settings.TRON_NETWORK
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=None,
            disable=not self.stdout.isatty(),
        ) as progress:
            task = progress.add_task(f"rescan {network}", total=last - first + 1)
            try:
                report = rescan_range(
                    first=first,
                    last=last,
                    network=network,
                    progress=lambda done: progress.advance(task, done),
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            f"rescanned {report.blocks} blocks ({report.first}..{report.last}): "
            f"{report.recorded} transfers recorded or repaired"
            + (
                f", {report.skipped_unconfirmed} unconfirmed blocks left to the scanner"
                if report.skipped_unconfirmed
                else ""
            )
        )
