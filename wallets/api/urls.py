"""Routes of the wallet-manager API, mounted under /api/v1/."""

from lucid_payments.core.routes import routes
from wallets.api import ledger_transfer_views, views

urlpatterns = routes(
    ("wallets", views.WalletListCreateView, "wallet-list"),
    ("wallets/<int:wallet_id>", views.WalletDetailView, "wallet-detail"),
    ("wallets/<int:wallet_id>/addresses", views.WalletAddressCreateView, "wallet-address-create"),
    ("wallets/<int:wallet_id>/transfers", views.WalletTransferView, "wallet-transfer-create"),
    (
        "customers/<int:customer_id>/deposit-address",
        views.CustomerDepositAddressView,
        "customer-deposit-address",
    ),
    ("balances", views.BalancesView, "balances"),
    ("ledger/entries", views.LedgerEntryListView, "ledger-entries"),
    (
        "ledger/transfers",
        ledger_transfer_views.LedgerTransferListCreateView,
        "ledger-transfer-list",
    ),
    (
        "ledger/transfers/<str:transfer_id>",
        ledger_transfer_views.LedgerTransferDetailView,
        "ledger-transfer-detail",
    ),
)
