"""payment-gateway (8097): invoices, hosted checkout page, webhooks."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns([path("", include("gateway.api.urls"))])
