"""manage.py ledger_verify — recompute every cached balance from the postings.

Prints the accounts whose cached balance (or last running balance) disagrees with the
sum of their postings, and any entry whose postings do not sum to zero per asset.
Exits with status 1 if anything disagrees, 0 if the ledger is sound. Read-only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from wallets.ledger.verify import account_count, balance_mismatches, unbalanced_entries


class Command(BaseCommand):
    help = (
        "Recompute every ledger balance from its postings; exit non-zero on any mismatch "
        "or unbalanced entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="accounts recomputed per query (default 1000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        total = account_count()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Recomputing balances", total=total)
            mismatches = balance_mismatches(
                batch_size=options["batch_size"],
                progress=lambda n: progress.advance(task, n),
            )
        unbalanced = unbalanced_entries()

        if mismatches:
            table = Table(title="Balance mismatches")
            for column in ("account", "owner / asset / bucket", "cached", "recomputed"):
                table.add_column(column)
            for m in mismatches:
                table.add_row(str(m.account_id), m.label, str(m.cached), str(m.recomputed))
            console.print(table)
        if unbalanced:
            table = Table(title="Unbalanced entries")
            for column in ("entry", "asset", "sum"):
                table.add_column(column)
            for u in unbalanced:
                table.add_row(str(u.entry_id), u.asset, str(u.total))
            console.print(table)
        if mismatches or unbalanced:
            raise CommandError(
                f"Ledger verification failed: {len(mismatches)} balance mismatch(es), "
                f"{len(unbalanced)} unbalanced entr(y/ies)."
            )
        console.print(f"Ledger verified: {total} accounts, every balance matches its postings.")
