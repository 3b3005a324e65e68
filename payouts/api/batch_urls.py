"""Payout batch routes, mounted under /api/v1/ before the payout routes (whose
``payouts/<id>`` would otherwise take ``payouts/batches``)."""

from lucid_payments.core.routes import routes
from payouts.api.batch_views import PayoutBatchDetailView, PayoutBatchListCreateView

urlpatterns = routes(
    ("payouts/batches", PayoutBatchListCreateView, "payout-batch-list"),
    ("payouts/batches/<str:batch_id>", PayoutBatchDetailView, "payout-batch-detail"),
)
