"""Rate limits per API key, counted atomically in the store every process shares (Redis
when REDIS_URL is set, else PostgreSQL; see ``rate_counters``).

DRF's SimpleRateThrottle reads a history from the cache, checks it and writes it back:
parallel requests read the same history and all but one increment is lost, so with a few
clients in parallel no request was ever refused. Here the check and the count are one
atomic step in the store.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from lucid_payments.accounts.models import ApiKey
from lucid_payments.accounts.rate_counters import rate_count_request


class ApiKeyRateThrottle(SimpleRateThrottle):
    """``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]`` requests per key (the
    ``API_RATE_LIMIT`` setting), a sliding window. Only DRF's rate parsing and its
    ``Retry-After`` plumbing are kept from SimpleRateThrottle; its cache is not used."""

    scope = "api_key"

    def get_rate(self) -> str | None:
        # Read at call time rather than DRF's import-time copy, so a changed setting
        # (API_RATE_LIMIT in a test or a reloaded process) takes effect.
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None  # unauthenticated requests never get this far (401 first)
        return f"{self.scope}:{request.auth.pk}"

    def allow_request(self, request: Request, view: Any) -> bool:
        self.retry_after_s: int | None = None
        ident = self.get_cache_key(request, view)
        limit, duration_s = self.parse_rate(self.get_rate())
        if limit is None or duration_s is None or ident is None:
            return True
        decision = rate_count_request(
            ident=ident,
            limit=limit,
            duration_s=duration_s,
            now_ms=int(self.timer() * 1000),
        )
        self.retry_after_s = decision.retry_after_s
        return decision.allowed

    def wait(self) -> float | None:
        """Seconds until a request would be allowed: DRF sends it as ``Retry-After``."""
        return self.retry_after_s
