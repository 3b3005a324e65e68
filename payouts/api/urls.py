"""Payout routes, mounted under /api/v1/ by the payout-router URLconf."""

from lucid_payments.core.routes import routes
from payouts.api.views import LimitsView, PayoutCancelView, PayoutDetailView, PayoutListCreateView

urlpatterns = routes(
    ("payouts", PayoutListCreateView, "payout-list"),
    ("payouts/<str:payout_id>", PayoutDetailView, "payout-detail"),
    ("payouts/<str:payout_id>/cancel", PayoutCancelView, "payout-cancel"),
    ("limits", LimitsView, "payout-limits"),
)
