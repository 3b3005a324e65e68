"""tron-client (8091): network status, blocks, accounts, tx lookup, signed-tx relay."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns([path("", include("lucid_payments.tron.api.urls"))])
