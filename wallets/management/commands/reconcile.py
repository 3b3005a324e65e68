"""manage.py reconcile — compare the platform's on-chain holdings with the ledger.

Reads every address of our wallets (TRX and USDT balances) from the node, compares the
totals with the ledger's custody per asset, allowing for deposits seen but not final and
outgoing TRX included but not final, and prints a table. Exit status 1 on any
difference, 0 when chain and ledger agree. Read-only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lucid_payments.core.money import format_amount
from wallets.reconcile import address_count, reconcile


class Command(BaseCommand):
    help = (
        "Compare on-chain balances of the platform's wallets with the ledger's custody, "
        "in-flight transfers accounted for; exit non-zero on a difference."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, width=120)  # type: ignore[arg-type]
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Reading balances from the node", total=address_count())
            lines = reconcile(progress=lambda n: progress.advance(task, n))

        table = Table(title="Custody: chain vs ledger")
        for column in ("asset", "on chain", "ledger", "+ seen in", "- confirmed out", "difference"):
            table.add_column(column, justify="right")
        for line in lines:
            table.add_row(
                line.asset.value,
                *(
                    format_amount(value, line.asset)
                    for value in (
                        line.on_chain,
                        line.ledger_custody,
                        line.pending_in,
                        line.pending_out,
                        line.difference,
                    )
                ),
            )
        console.print(table)
        off = [line for line in lines if line.difference != 0]
        if off:
            raise CommandError(
                "Chain and ledger differ: "
                + ", ".join(f"{format_amount(x.difference, x.asset)} {x.asset.value}" for x in off)
            )
        console.print("Chain and ledger agree: no difference.")
