"""When a delivery is tried: the Standard Webhooks schedule, with jitter.

Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after each failed
attempt (about 3 days in all). Jitter spreads the retries of many deliveries that failed
together (a receiver's outage) so they do not all return in the same second.
"""

from __future__ import annotations

import random
from datetime import timedelta

# The delay before attempt n (0-based); attempt 0 is sent at once.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS)
JITTER = 0.1  # up to ±10 % of the delay


def retry_delay(attempts_made: int, *, rand: random.Random) -> timedelta | None:
    """The wait before the next attempt after ``attempts_made`` failed ones; None when the
    schedule is exhausted (the delivery has failed)."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    base = RETRY_DELAYS[attempts_made]
    return base * (1 + rand.uniform(-JITTER, JITTER))
