"""Routes of the usdt-manager API, mounted under /api/v1/."""

from lucid_payments.core.routes import routes
from usdt.api import views

urlpatterns = routes(
    ("usdt/contract", views.UsdtContractView, "usdt-contract"),
    ("usdt/balances/<str:address>", views.UsdtBalanceView, "usdt-balance"),
    ("usdt/transfers", views.UsdtTransferListCreateView, "usdt-transfers"),
    ("usdt/transfers/<int:transfer_id>", views.UsdtTransferDetailView, "usdt-transfer-detail"),
    ("usdt/approvals", views.UsdtApprovalCreateView, "usdt-approvals"),
    ("usdt/allowances/<str:owner>/<str:spender>", views.UsdtAllowanceView, "usdt-allowance"),
    ("usdt/transactions/<str:txid>", views.UsdtTransactionView, "usdt-tx"),
    ("usdt/stats", views.UsdtStatsView, "usdt-stats"),
)
