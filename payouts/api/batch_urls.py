"""Payout batch routes, mounted under /api/v1/ before the payout routes (whose
``payouts/<id>`` would otherwise take ``payouts/batches``)."""

from django.urls import URLPattern, path

from payouts.api.batch_views import PayoutBatchDetailView, PayoutBatchListCreateView

urlpatterns: list[URLPattern] = [
    path("payouts/batches", PayoutBatchListCreateView.as_view(), name="payout-batch-list"),
    path(
        "payouts/batches/<str:batch_id>",
        PayoutBatchDetailView.as_view(),
        name="payout-batch-detail",
    ),
]
