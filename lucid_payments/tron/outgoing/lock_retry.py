"""Run a transition again, at once, when PostgreSQL aborted it to break a lock cycle.

A transition's transaction may be chosen as a deadlock victim (or, at a stricter isolation
level, fail to serialize): nothing it did was kept, and the same work a moment later
normally goes through. Retrying here, with a short random pause so the two contenders do
not meet again in step, settles the transaction now instead of at the next sweep minutes
later. Bounded: a conflict that keeps coming back is raised for the sweep to log.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

T = TypeVar("T")

# SQLSTATE 40P01 deadlock_detected, 40001 serialization_failure: the transaction was
# rolled back whole and can simply run again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
LOCK_CONFLICT_ATTEMPTS = 5
_PAUSE_S = 0.02  # up to this much longer on each further attempt, times a random factor


def is_lock_conflict(exc: BaseException) -> bool:
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return isinstance(exc, OperationalError) and sqlstate in RETRYABLE_SQLSTATES


def run_retrying_lock_conflicts(
    run: Callable[[], T],
    *,
    attempts: int = LOCK_CONFLICT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """``run()`` (which opens its own transaction), again up to ``attempts`` times in all
    if the database aborted it with a deadlock or serialization failure."""
    for attempt in range(1, attempts + 1):
        try:
            return run()
        except OperationalError as exc:
            # Inside an outer transaction the abort poisoned it: only its owner can retry.
            if not is_lock_conflict(exc) or attempt == attempts or connection.in_atomic_block:
                raise
            logger.warning("lock conflict (attempt %s of %s), retrying: %s", attempt, attempts, exc)
            sleep(_PAUSE_S * attempt * jitter())
    raise AssertionError("unreachable")  # the loop returns or raises
