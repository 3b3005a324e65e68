"""usdt-manager (8094): TRC20 contract info, balances, transfers, approvals, history."""

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = service_urlpatterns([])
