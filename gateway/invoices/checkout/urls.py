from django.urls import path

from gateway.invoices.checkout import views

urlpatterns = [
    path("pay/<str:invoice_id>", views.checkout_page, name="checkout-page"),
    path("pay/<str:invoice_id>/status", views.checkout_status, name="checkout-status"),
]
