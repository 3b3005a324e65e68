"""The request limit of the public checkout status endpoint.

It is public (the invoice id is the only credential), so the limit is per client IP and
invoice: the page polls every few seconds, far below it, while a scraper hammering one
invoice is refused. Counted by the accounts app's shared counters (a sliding window,
atomic in Redis or PostgreSQL), so every copy of the process sees the same count.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from lucid_payments.accounts.rate_counters import rate_count_request

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}


def _rate() -> tuple[int, int]:
    """(requests, per seconds) of ``CHECKOUT_STATUS_RATE``, DRF's syntax ("60/min")."""
    count, _, period = str(settings.CHECKOUT_STATUS_RATE).partition("/")
    return int(count), PERIODS[period or "min"]


def over_limit(request: HttpRequest, invoice_id: str) -> tuple[bool, int]:
    """(whether this request is refused, seconds to wait before the next one)."""
    limit, seconds = _rate()
    ip = request.META.get("REMOTE_ADDR", "")
    decision = rate_count_request(
        ident=f"checkout-status:{ip}:{invoice_id}",
        limit=limit,
        duration_s=seconds,
        now_ms=int(time.time() * 1000),
    )
    return not decision.allowed, decision.retry_after_s or 0
