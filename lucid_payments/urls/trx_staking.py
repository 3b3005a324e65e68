"""trx-staking (8096): Stake 2.0: freeze, unfreeze, withdraw, delegate, vote, rewards."""

from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns([path("", include("staking.api.urls"))])
