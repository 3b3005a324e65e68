from django.urls import path

from gateway.api import event_views

urlpatterns = [
    path("events", event_views.EventListView.as_view(), name="event-list"),
    path("events/<str:event_id>", event_views.EventDetailView.as_view(), name="event-detail"),
]
