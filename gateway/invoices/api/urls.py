from gateway.invoices.api import views
from lucid_payments.core.routes import routes

urlpatterns = routes(
    ("invoices", views.InvoiceListCreateView, "invoice-list"),
    ("invoices/<str:invoice_id>", views.InvoiceDetailView, "invoice-detail"),
    ("invoices/<str:invoice_id>/cancel", views.InvoiceCancelView, "invoice-cancel"),
    ("invoices/<str:invoice_id>/refunds", views.RefundListCreateView, "invoice-refunds"),
)
