"""manage.py reconcile — compare the platform's on-chain holdings with the ledger.

Reads every address of our wallets (TRX and USDT balances) from the node and compares
the totals with the ledger's custody per asset, allowing for deposits seen but not final
and for our own transactions (amount and fee) in a block but not final yet; TRX counts
what Stake 2.0 holds (frozen, delegated out, unfreezing), and clients' stake is compared
with their staked ledger accounts too. Prints a table and one sentence per asset (and
one for the stake) saying what was compared with what. Reads the chain and the ledger,
changes neither; the result is kept for the admin's dashboard.

Exit status: 0 when chain and ledger agree; 1 on a real difference; 2 when they could not
be compared this time (node unreachable, our transactions kept landing while reading, or
a surplus on chain while the scanner has not read the newest blocks): run it again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lucid_payments.console.reconcile_runs import reconcile_run_record
from lucid_payments.core.errors import Unavailable
from lucid_payments.core.money import Asset, format_amount
from lucid_payments.tron.adapter.errors import NodeRejected
from wallets.reconcile import (
    ReconcileInconclusive,
    ReconcileLine,
    ReconcileReport,
    StakedLine,
    Verdict,
    address_count,
    reconcile,
)

EXIT_DIFFERENCE = 1
EXIT_INCONCLUSIVE = 2


def describe(line: ReconcileLine) -> str:
    """One sentence: what was compared with what, and the outcome."""
    asset = line.asset.value

    def amount(units: int) -> str:
        return f"{format_amount(units, line.asset)} {asset}"

    outcome = (
        "no difference"
        if line.difference == 0
        else f"difference {'+' if line.difference > 0 else ''}{amount(line.difference)}"
    )
    what_left = "amount sent and fee burned" if line.asset == Asset.TRX else "tokens sent"
    return (
        f"{asset}: on chain {amount(line.on_chain)} at {line.addresses} address(es), "
        f"expected {amount(line.expected_on_chain)} = ledger custody "
        f"{amount(line.ledger_custody)} + {line.pending_in_count} deposits seen not final "
        f"{amount(line.pending_in)} - {line.pending_out_count} of our transactions in a "
        f"block not final ({what_left}) {amount(line.pending_out)}: {outcome}."
    )


def describe_staked(line: StakedLine) -> str:
    """One sentence for clients' stake: chain against their staked ledger accounts."""

    def amount(units: int) -> str:
        return f"{format_amount(units, Asset.TRX)} TRX"

    outcome = (
        "no difference"
        if line.difference == 0
        else f"difference {'+' if line.difference > 0 else ''}{amount(line.difference)}"
    )
    return (
        f"Staked TRX: on chain {amount(line.on_chain)} (frozen, delegated out, unfreezing) at "
        f"{line.addresses} client address(es), expected {amount(line.expected_on_chain)} = "
        f"clients' staked {amount(line.ledger_staked)} + freezes in a block not final "
        f"{amount(line.pending_freeze)} - withdrawals in a block not final "
        f"{amount(line.pending_withdraw)}: {outcome}."
    )


class Command(BaseCommand):
    help = (
        "Compare on-chain balances of the platform's wallets with the ledger's custody, "
        "in-flight transfers and fees accounted for; exit 1 on a difference, 2 when it "
        "could not compare."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, width=160)  # type: ignore[arg-type]
        try:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Reading balances from the node", total=address_count())
                report = reconcile(progress=lambda n: progress.advance(task, n))
        except (Unavailable, NodeRejected) as exc:
            reconcile_run_record(report=None, source="command", error=exc.message)
            raise CommandError(
                f"Could not compare: the node did not answer ({exc.message})",
                returncode=EXIT_INCONCLUSIVE,
            ) from exc
        except ReconcileInconclusive as exc:
            reconcile_run_record(report=None, source="command", error=str(exc))
            raise CommandError(f"Could not compare: {exc}", returncode=EXIT_INCONCLUSIVE) from exc
        # The admin's dashboard shows the latest run instead of reading the node itself.
        reconcile_run_record(report=report, source="command")
        console.print(_table(report))
        for line in report.lines:
            self.stdout.write(describe(line))  # one line each, never wrapped
        if report.staked is not None:
            self.stdout.write(describe_staked(report.staked))
        self._conclude(report, console)

    def _conclude(self, report: ReconcileReport, console: Console) -> None:
        off = ", ".join(
            f"{format_amount(line.difference, line.asset)} {line.asset.value}"
            for line in report.lines
            if line.difference != 0
        )
        if report.staked is not None and report.staked.difference != 0:
            staked_off = f"staked {format_amount(report.staked.difference, Asset.TRX)} TRX"
            off = f"{off}, {staked_off}" if off else staked_off
        if report.verdict == Verdict.AGREE:
            console.print("Chain and ledger agree: no difference.")
        elif report.verdict == Verdict.DIFFER:
            raise CommandError(f"Chain and ledger differ: {off}", returncode=EXIT_DIFFERENCE)
        else:
            raise CommandError(
                f"Could not compare: more on chain than expected ({off}) while the scanner "
                f"is {report.scanner_behind} blocks behind the head (block "
                f"{report.head_block}); deposits in those blocks are not counted yet. "
                "Run it again when the scanner has caught up.",
                returncode=EXIT_INCONCLUSIVE,
            )


def _table(report: ReconcileReport) -> Table:
    table = Table(title=f"Custody: chain vs ledger at head block {report.head_block}")
    columns = (
        "asset",
        "on chain",
        "ledger custody",
        "+ deposits seen, not final",
        "- ours in a block, not final",
        "= expected",
        "difference",
    )
    for column in columns:
        table.add_column(column, justify="right")
    for line in report.lines:
        values = (
            line.on_chain,
            line.ledger_custody,
            line.pending_in,
            line.pending_out,
            line.expected_on_chain,
            line.difference,
        )
        table.add_row(line.asset.value, *(format_amount(v, line.asset) for v in values))
    return table
