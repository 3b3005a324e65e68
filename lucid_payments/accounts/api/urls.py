"""Customers and KYC routes, mounted under /api/v1/ by the payout-router URLconf."""

from lucid_payments.accounts.api.views import (
    CustomerCreateView,
    CustomerDetailView,
    CustomerKycSubmitView,
)
from lucid_payments.core.routes import routes

urlpatterns = routes(
    ("customers", CustomerCreateView, "customer-create"),
    ("customers/<int:customer_id>", CustomerDetailView, "customer-detail"),
    ("customers/<int:customer_id>/kyc", CustomerKycSubmitView, "customer-kyc-submit"),
)
