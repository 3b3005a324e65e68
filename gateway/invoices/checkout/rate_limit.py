"""A fixed-window request limit for the public checkout status endpoint.

It is public (the invoice id is the only credential), so the limit is per client IP and
invoice: the page polls every few seconds, far below it, while a scraper hammering one
invoice, or walking many from one address, is refused. Counted in the shared cache, so
every copy of the process sees the same count.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _window() -> tuple[int, int]:
    limit, _, period = str(settings.CHECKOUT_STATUS_RATE).partition("/")
    seconds = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600}[period or "min"]
    return int(limit), seconds


def over_limit(request: HttpRequest, invoice_id: str) -> tuple[bool, int]:
    """(whether this request is over the limit, seconds until the window resets)."""
    limit, seconds = _window()
    now = int(time.time())
    start = now - now % seconds
    ip = request.META.get("REMOTE_ADDR", "")
    key = f"checkout-status:{ip}:{invoice_id}:{start}"
    if cache.add(key, 1, timeout=seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=seconds + 1)
            count = 1
    return count > limit, start + seconds - now
