"""django-q entry points for outgoing transactions. Thin: take an id, call a step."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings

from lucid_payments.tron.outgoing.steps import outgoing_process, outgoing_sweep

# The schedule fires once a minute; within one run the sweep goes round every
# TRON_OUTGOING_SWEEP_PAUSE_S seconds (for up to TRON_OUTGOING_SWEEP_BUDGET_S) so that
# re-sends and status changes are not a minute apart. Runs overlapping (a slow round, two
# workers) are harmless: every transaction is claimed before it is touched.


def outgoing_process_task(outgoing_id: int) -> str:
    """Enqueued when a transaction is created: sign, store, broadcast, first check."""
    return outgoing_process(outgoing_id)


def outgoing_sweep_task(
    *,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Scheduled: track everything in flight, re-send, rebuild expired copies, and pick up
    work whose task was lost or whose worker died. Returns transactions processed."""
    budget = float(settings.TRON_OUTGOING_SWEEP_BUDGET_S)
    pause = float(settings.TRON_OUTGOING_SWEEP_PAUSE_S)
    deadline = monotonic() + budget
    total = 0
    while True:
        processed = outgoing_sweep()
        total += processed
        if processed == 0 or monotonic() + pause >= deadline:
            return total
        sleep(pause)
