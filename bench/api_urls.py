"""What ``python -m bench.api`` loads: payment-gateway's URLs with the bare view
(``bench.gateway_urls``) plus wallet-manager's (balances) and payout-router's (payouts), so
that every measured endpoint and the yardstick run in the same server, settings and
middleware."""

from django.urls import URLPattern, URLResolver

from bench.gateway_urls import urlpatterns as gateway_urlpatterns
from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.payout_router import urlpatterns as payout_urlpatterns
from lucid_payments.urls.wallet_manager import urlpatterns as wallet_urlpatterns


def _api_root(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    return [p for p in patterns if str(p.pattern) == "api/v1/"]


# The first match wins: the API roots of the services are one include each, so
# wallet-manager's and payout-router's APIs are added as further "api/v1/" resolvers after
# the gateway's.
urlpatterns: list[URLPattern | URLResolver] = [
    *gateway_urlpatterns,
    *_api_root(wallet_urlpatterns),
    *_api_root(payout_urlpatterns),
]
