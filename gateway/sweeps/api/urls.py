from gateway.sweeps.api import views
from lucid_payments.core.routes import routes

urlpatterns = routes(
    ("sweeps", views.SweepListView, "sweep-list"),
    ("sweeps/<str:sweep_id>", views.SweepDetailView, "sweep-detail"),
)
