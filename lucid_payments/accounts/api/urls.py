"""Customers and KYC routes, mounted under /api/v1/ by the payout-router URLconf."""

from django.urls import URLPattern, path

from lucid_payments.accounts.api.views import (
    CustomerCreateView,
    CustomerDetailView,
    CustomerKycSubmitView,
)

urlpatterns: list[URLPattern] = [
    path("customers", CustomerCreateView.as_view(), name="customer-create"),
    path("customers/<int:customer_id>", CustomerDetailView.as_view(), name="customer-detail"),
    path(
        "customers/<int:customer_id>/kyc",
        CustomerKycSubmitView.as_view(),
        name="customer-kyc-submit",
    ),
]
