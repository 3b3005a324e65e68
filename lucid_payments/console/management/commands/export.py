"""manage.py export — an accounting CSV (ledger, invoices, payouts, network-costs) for whole UTC
days and optionally one client, written to a file or stdout as it is read from the
database (a server-side cursor; large ranges never sit in memory). Progress goes to
stderr when writing to a file. Each export is recorded in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rich.console import Console
from rich.progress import Progress

from lucid_payments.accounts.models import Client
from lucid_payments.console.export_forms import export_days_refused, export_range
from lucid_payments.console.exports import export_get, export_rows, exports_all
from lucid_payments.console.exports.csv_stream import csv_lines
from lucid_payments.core.audit import AuditActor, audit_log


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a day (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Write an accounting CSV (ledger, invoices, payouts or network-costs) for the days "
        "from --start to --end (UTC, both included), optionally for one --client, to --output "
        "or stdout. Amounts are decimal strings with their asset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        names = [e.name for e in exports_all()]
        parser.add_argument("export", choices=names, help="what to export")
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD (UTC)")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD (UTC), included")
        parser.add_argument("--client", type=int, default=None, help="only this client's id")
        parser.add_argument("--output", default="-", help="file to write; - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        export = export_get(options["export"])
        start, end = _day(options["start"]), _day(options["end"])
        if refused := export_days_refused(start, end):
            raise CommandError(refused)
        client_id = options["client"]
        if client_id is not None and not Client.objects.filter(pk=client_id).exists():
            raise CommandError(f"No client {client_id}.")
        span = export_range(start, end, client_id)
        with transaction.atomic():
            audit_log(
                actor=AuditActor.system("export_command"),
                action="console.exported",
                data={
                    "export": export.name,
                    "start": span.start.isoformat(),
                    "end": span.end.isoformat(),
                },
                client_id=client_id,
            )
        if options["output"] == "-":
            for line in csv_lines(export.header, export_rows(export, span)):
                self.stdout.write(line, ending="")
            return
        total = export.queryset(span).count()
        written = 0
        with (
            open(options["output"], "w", newline="", encoding="utf-8") as out,
            Progress(
                console=Console(file=self.stderr, width=100),  # type: ignore[arg-type]
                transient=True,
            ) as progress,
        ):
            task = progress.add_task(f"Exporting {export.name}", total=total)
            for line in csv_lines(export.header, export_rows(export, span)):
                out.write(line)
                written += 1
                if written > 1:
                    progress.advance(task)
        self.stderr.write(f"Wrote {written - 1} rows to {options['output']}.")
