"""Routes of the wallet-manager API, mounted under /api/v1/."""

from django.urls import path

from wallets.api import ledger_transfer_views, views

urlpatterns = [
    path("wallets", views.WalletListCreateView.as_view(), name="wallet-list"),
    path("wallets/<int:wallet_id>", views.WalletDetailView.as_view(), name="wallet-detail"),
    path(
        "wallets/<int:wallet_id>/addresses",
        views.WalletAddressCreateView.as_view(),
        name="wallet-address-create",
    ),
    path(
        "wallets/<int:wallet_id>/transfers",
        views.WalletTransferView.as_view(),
        name="wallet-transfer-create",
    ),
    path(
        "customers/<int:customer_id>/deposit-address",
        views.CustomerDepositAddressView.as_view(),
        name="customer-deposit-address",
    ),
    path("balances", views.BalancesView.as_view(), name="balances"),
    path("ledger/entries", views.LedgerEntryListView.as_view(), name="ledger-entries"),
    path(
        "ledger/transfers",
        ledger_transfer_views.LedgerTransferListCreateView.as_view(),
        name="ledger-transfer-list",
    ),
    path(
        "ledger/transfers/<str:transfer_id>",
        ledger_transfer_views.LedgerTransferDetailView.as_view(),
        name="ledger-transfer-detail",
    ),
]
