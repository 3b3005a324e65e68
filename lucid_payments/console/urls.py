"""The console's pages under /admin/console/ (before the admin's own catch-all)."""

from django.contrib import admin
from django.urls import path

from lucid_payments.console.views import exports_view

app_name = "console"

urlpatterns = [path("exports/", admin.site.admin_view(exports_view), name="exports")]
