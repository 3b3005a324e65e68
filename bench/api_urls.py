"""What ``python -m bench.api`` loads: payment-gateway's URLs with the bare view
(``bench.gateway_urls``) plus wallet-manager's (balances), so that every measured endpoint
and the yardstick run in the same server, settings and middleware. Payouts join here once
their app serves URLs."""

from django.urls import URLPattern, URLResolver

from bench.gateway_urls import urlpatterns as gateway_urlpatterns
from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.wallet_manager import urlpatterns as wallet_urlpatterns

# The first match wins: the API roots of both services are one include each, so
# wallet-manager's API is added as a second "api/v1/" resolver after the gateway's.
urlpatterns: list[URLPattern | URLResolver] = [
    *gateway_urlpatterns,
    *(p for p in wallet_urlpatterns if str(p.pattern) == "api/v1/"),
]
