"""Keep the result of each reconcile for the dashboard, and read the latest back."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lucid_payments.console.models import ReconcileRun
from wallets.reconcile import ReconcileLine, ReconcileReport


def _line(line: ReconcileLine) -> dict[str, Any]:
    return {
        "asset": line.asset.value,
        "addresses": line.addresses,
        "on_chain": line.on_chain,
        "ledger_custody": line.ledger_custody,
        "pending_in": line.pending_in,
        "pending_in_count": line.pending_in_count,
        "pending_out": line.pending_out,
        "pending_out_count": line.pending_out_count,
        "expected": line.expected_on_chain,
        "difference": line.difference,
    }


def reconcile_run_record(
    *, report: ReconcileReport | None, source: str, error: str = ""
) -> ReconcileRun:
    """Store one run: its report, or (``report`` None) why it could not compare."""
    if report is None:
        return ReconcileRun.objects.create(
            finished_at=timezone.now(),
            source=source,
            verdict=ReconcileRun.Verdict.FAILED,
            error=error,
        )
    staked = report.staked
    return ReconcileRun.objects.create(
        finished_at=timezone.now(),
        source=source,
        verdict=report.verdict.value,
        head_block=report.head_block,
        scanned_block=report.scanned_block,
        lines=[_line(line) for line in report.lines],
        staked=None
        if staked is None
        else {
            "on_chain": staked.on_chain,
            "ledger_staked": staked.ledger_staked,
            "expected": staked.expected_on_chain,
            "difference": staked.difference,
        },
        error=error,
    )


def reconcile_run_latest() -> ReconcileRun | None:
    """The newest run that compared something (a failed run has no figures)."""
    return ReconcileRun.objects.exclude(verdict=ReconcileRun.Verdict.FAILED).first()


def reconcile_run_last_attempt() -> ReconcileRun | None:
    return ReconcileRun.objects.first()
