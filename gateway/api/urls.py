from django.urls import include, path

from gateway.api import event_views, webhook_views

urlpatterns = [
    path("events", event_views.EventListView.as_view(), name="event-list"),
    path("events/<str:event_id>", event_views.EventDetailView.as_view(), name="event-detail"),
    path(
        "webhook-endpoints",
        webhook_views.EndpointListCreateView.as_view(),
        name="webhook-endpoint-list",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>",
        webhook_views.EndpointDetailView.as_view(),
        name="webhook-endpoint-detail",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>/rotate-secret",
        webhook_views.EndpointRotateSecretView.as_view(),
        name="webhook-endpoint-rotate-secret",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>/deliveries",
        webhook_views.DeliveryListView.as_view(),
        name="webhook-delivery-list",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>/deliveries/<str:delivery_id>/redeliver",
        webhook_views.DeliveryRedeliverView.as_view(),
        name="webhook-delivery-redeliver",
    ),
    path("", include("gateway.invoices.api.urls")),
    path("", include("gateway.sweeps.api.urls")),
]
