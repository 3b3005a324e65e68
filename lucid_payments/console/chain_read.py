"""One reading of the chain for the dashboard: the node and our wallets, then reconcile.

Safe to run twice (each run appends its own rows); reads the node, so never inside a
database transaction.
"""

from __future__ import annotations

from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.node_readings import node_reading_take
from lucid_payments.console.reconcile_runs import reconcile_run_record
from lucid_payments.core.errors import ApplicationError
from wallets.reconcile import ReconcileInconclusive, reconcile


def reconcile_and_record(*, source: str) -> ReconcileRun:
    try:
        report = reconcile()
    except ApplicationError as exc:  # the node did not answer, or refused
        return reconcile_run_record(report=None, source=source, error=exc.message)
    except ReconcileInconclusive as exc:
        return reconcile_run_record(report=None, source=source, error=str(exc))
    return reconcile_run_record(report=report, source=source)


def console_chain_read() -> tuple[NodeReading, ReconcileRun]:
    reading = node_reading_take()
    if reading.error:  # the node is down: reconcile would only fail the same way
        return reading, reconcile_run_record(report=None, source="schedule", error=reading.error)
    return reading, reconcile_and_record(source="schedule")
