"""django-q entry points of sweeps (thin: they call a service)."""

from __future__ import annotations

from gateway.sweeps.costs import sweep_complete
from gateway.sweeps.runner import sweeps_run


def sweeps_run_task() -> int:
    """One pass of the sweeper; returns how many sweeps it started (safe to run twice)."""
    result = sweeps_run()
    return result.started + result.excess


def sweep_complete_task(sweep_id: int) -> bool:
    """Complete one final sweep with its costs (safe to run twice)."""
    return sweep_complete(sweep_id=sweep_id)
