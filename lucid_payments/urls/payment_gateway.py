"""payment-gateway (8097): invoices, hosted checkout page, webhooks."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = [
    # The hosted checkout page and its status: public, outside the authenticated API.
    path("", include("gateway.invoices.checkout.urls")),
    *service_urlpatterns([path("", include("gateway.api.urls"))]),
]
