"""Rate limits per API key, shared by every process through the database cache."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from lucid_payments.accounts.models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    """``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]`` requests per key."""

    scope = "api_key"

    def get_rate(self) -> str | None:
        # Read at call time rather than DRF's import-time copy, so a changed setting
        # (API_RATE_LIMIT in a test or a reloaded process) takes effect.
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None  # unauthenticated requests never get this far (401 first)
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
