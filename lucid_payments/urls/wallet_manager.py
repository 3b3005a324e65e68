"""wallet-manager (8093): wallets, addresses, balances, ledger statements, TRX transfers."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns([path("", include("wallets.api.urls"))])
