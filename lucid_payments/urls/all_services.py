"""Every service's routes in one URLconf, for the test suite only.

Production processes never use this: each serves its own URLconf. Services' API paths
do not overlap, so tests can call any of them through one client.
"""

from importlib import import_module

from django.urls import URLPattern, URLResolver

from lucid_payments.urls.common import *  # noqa: F403 - error handlers

SERVICES = (
    "tron_client",
    "payout_router",
    "wallet_manager",
    "usdt_manager",
    "trx_staking",
    "payment_gateway",
    "admin",
)

urlpatterns: list[URLPattern | URLResolver] = []
_seen: set[str] = set()
for _service in SERVICES:
    for _pattern in import_module(f"lucid_payments.urls.{_service}").urlpatterns:
        _key = str(_pattern.pattern)
        if _key not in _seen or _key == "api/v1/":
            _seen.add(_key)
            urlpatterns.append(_pattern)
