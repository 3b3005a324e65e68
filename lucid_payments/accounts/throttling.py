"""Placeholder until API keys land: throttles nothing."""

from rest_framework.throttling import BaseThrottle


class ApiKeyRateThrottle(BaseThrottle):
    pass
