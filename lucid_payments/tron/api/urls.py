"""tron-client routes, mounted under /api/v1/ by lucid_payments.urls.tron_client."""

from django.urls import path

from lucid_payments.tron.api import views

urlpatterns = [
    path("network/status", views.NetworkStatusView.as_view(), name="tron-network-status"),
    path("blocks/<int:number>", views.BlockDetailView.as_view(), name="tron-block"),
    path("accounts/<str:address>", views.AccountDetailView.as_view(), name="tron-account"),
    path(
        "transactions/broadcast",
        views.BroadcastView.as_view(),
        name="tron-transaction-broadcast",
    ),
    path("transactions/<str:txid>", views.TransactionDetailView.as_view(), name="tron-transaction"),
    path("addresses/validate", views.AddressValidateView.as_view(), name="tron-address-validate"),
]
