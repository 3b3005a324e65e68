from django.urls import path

from gateway.invoices.api import views

urlpatterns = [
    path("invoices", views.InvoiceListCreateView.as_view(), name="invoice-list"),
    path("invoices/<str:invoice_id>", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path(
        "invoices/<str:invoice_id>/cancel",
        views.InvoiceCancelView.as_view(),
        name="invoice-cancel",
    ),
    path(
        "invoices/<str:invoice_id>/refunds",
        views.RefundListCreateView.as_view(),
        name="invoice-refunds",
    ),
]
