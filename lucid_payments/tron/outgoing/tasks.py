"""django-q entry points for outgoing transactions. Thin: take an id, call a step."""

from __future__ import annotations

from lucid_payments.tron.outgoing.steps import outgoing_process, outgoing_sweep


def outgoing_process_task(outgoing_id: int) -> str:
    """Enqueued when a transaction is created: sign, store, broadcast, first check."""
    return outgoing_process(outgoing_id)


def outgoing_sweep_task() -> int:
    """Scheduled (every few seconds): track everything in flight, re-send, rebuild expired
    copies, and pick up work whose task was lost or whose worker died."""
    return outgoing_sweep()
