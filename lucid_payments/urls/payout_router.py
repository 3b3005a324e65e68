"""payout-router (8092): payouts, batches, customers and KYC submission."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns(
    [
        path("", include("lucid_payments.accounts.api.urls")),
        path("", include("payouts.api.batch_urls")),
        path("", include("payouts.api.urls")),
    ]
)
