from django.urls import path

from gateway.sweeps.api import views

urlpatterns = [
    path("sweeps", views.SweepListView.as_view(), name="sweep-list"),
    path("sweeps/<str:sweep_id>", views.SweepDetailView.as_view(), name="sweep-detail"),
]
