"""usdt-manager (8094): TRC20 contract info, balances, transfers, approvals, history."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns([path("", include("usdt.api.urls"))])
