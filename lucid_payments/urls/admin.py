"""admin (8098, internal network only): the Django admin for operators."""

from django.contrib import admin
from django.urls import include, path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.common import service_urlpatterns

urlpatterns = [
    path("admin/console/", include("lucid_payments.console.urls")),
    path("admin/", admin.site.urls),
    *service_urlpatterns([]),
]
