from django.urls import URLPattern, URLResolver, include, path

from gateway.api import event_views, webhook_views
from lucid_payments.core.routes import routes

urlpatterns: list[URLPattern | URLResolver] = [
    *routes(
        ("events", event_views.EventListView, "event-list"),
        ("events/<str:event_id>", event_views.EventDetailView, "event-detail"),
        ("webhook-endpoints", webhook_views.EndpointListCreateView, "webhook-endpoint-list"),
        (
            "webhook-endpoints/<str:endpoint_id>",
            webhook_views.EndpointDetailView,
            "webhook-endpoint-detail",
        ),
        (
            "webhook-endpoints/<str:endpoint_id>/rotate-secret",
            webhook_views.EndpointRotateSecretView,
            "webhook-endpoint-rotate-secret",
        ),
        (
            "webhook-endpoints/<str:endpoint_id>/deliveries",
            webhook_views.DeliveryListView,
            "webhook-delivery-list",
        ),
        (
            "webhook-endpoints/<str:endpoint_id>/deliveries/<str:delivery_id>/redeliver",
            webhook_views.DeliveryRedeliverView,
            "webhook-delivery-redeliver",
        ),
    ),
    path("", include("gateway.invoices.api.urls")),
    path("", include("gateway.sweeps.api.urls")),
]
