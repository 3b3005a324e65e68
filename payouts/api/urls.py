"""Payout routes, mounted under /api/v1/ by the payout-router URLconf."""

from django.urls import URLPattern, path

from payouts.api.views import LimitsView, PayoutCancelView, PayoutDetailView, PayoutListCreateView

urlpatterns: list[URLPattern] = [
    path("payouts", PayoutListCreateView.as_view(), name="payout-list"),
    path("payouts/<str:payout_id>", PayoutDetailView.as_view(), name="payout-detail"),
    path("payouts/<str:payout_id>/cancel", PayoutCancelView.as_view(), name="payout-cancel"),
    path("limits", LimitsView.as_view(), name="payout-limits"),
]
