"""Routes of the usdt-manager API, mounted under /api/v1/."""

from django.urls import path

from usdt.api import views

urlpatterns = [
    path("usdt/contract", views.UsdtContractView.as_view(), name="usdt-contract"),
    path("usdt/balances/<str:address>", views.UsdtBalanceView.as_view(), name="usdt-balance"),
    path("usdt/transfers", views.UsdtTransferListCreateView.as_view(), name="usdt-transfers"),
    path(
        "usdt/transfers/<int:transfer_id>",
        views.UsdtTransferDetailView.as_view(),
        name="usdt-transfer-detail",
    ),
    path("usdt/approvals", views.UsdtApprovalCreateView.as_view(), name="usdt-approvals"),
    path(
        "usdt/allowances/<str:owner>/<str:spender>",
        views.UsdtAllowanceView.as_view(),
        name="usdt-allowance",
    ),
    path("usdt/transactions/<str:txid>", views.UsdtTransactionView.as_view(), name="usdt-tx"),
    path("usdt/stats", views.UsdtStatsView.as_view(), name="usdt-stats"),
]
