"""manage.py ledger_verify — recompute every cached balance from the postings.

Prints the accounts whose cached balance (or last running balance) disagrees with the
sum of their postings, any entry whose postings do not sum to zero per asset, and any
day whose deposits roll-up (``DailyDeposits``) differs from the deposits booked that day.
Exits with status 1 if anything disagrees, 0 if the ledger is sound. Read-only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from wallets.ledger.verify import (
    account_count,
    balance_mismatches,
    daily_deposit_mismatches,
    unbalanced_entries,
)


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
        days = daily_deposit_mismatches()

        _print_table(
            console,
            "Balance mismatches",
            ("account", "owner / asset / bucket", "cached", "recomputed"),
            [(m.account_id, m.label, m.cached, m.recomputed) for m in mismatches],
        )
        _print_table(
            console,
            "Unbalanced entries",
            ("entry", "asset", "sum"),
            [(u.entry_id, u.asset, u.total) for u in unbalanced],
        )
        _print_table(
            console,
            "Daily deposits that differ from the postings",
            ("day", "asset", "rolled up (amount, count)", "booked (amount, count)"),
            [(d.day, d.asset, d.rolled_up, d.recomputed) for d in days],
        )
        if mismatches or unbalanced or days:
            raise CommandError(
                f"Ledger verification failed: {len(mismatches)} balance mismatch(es), "
                f"{len(unbalanced)} unbalanced entr(y/ies), "
                f"{len(days)} day(s) of deposits rolled up wrong."
            )
        console.print(
            f"Ledger verified: {total} accounts, every balance matches its postings, "
            "every day's deposits match their roll-up."
        )


def _print_table(
    console: Console, title: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    if not rows:
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row))
    console.print(table)
