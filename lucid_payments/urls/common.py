"""Endpoints every process serves: health, status, metrics, its OpenAPI document and docs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lucid_payments.core.views import HealthView, LiveView, MetricsView, ReadyView, StatusView

URLList = list[URLPattern | URLResolver]


def service_urlpatterns(api: URLList, *, title: str | None = None) -> URLList:
    """The shared endpoints plus ``api`` mounted under /api/v1/.

    The schema is generated from this URLconf only, so each service documents just its
    own paths.
    """
    custom: dict[str, Any] = {"TITLE": title or f"Lucid Payments — {settings.SERVICE_NAME}"}
    return [
        path("health", HealthView.as_view(), name="health"),
        path("health/live", LiveView.as_view(), name="health-live"),
        path("health/ready", ReadyView.as_view(), name="health-ready"),
        path("status", StatusView.as_view(), name="status"),
        path("metrics", MetricsView.as_view(), name="metrics"),
        path("api/schema/", SpectacularAPIView.as_view(custom_settings=custom), name="schema"),
        # The split view serves Swagger UI's start-up script from its own URL instead of
        # inline, so the page runs under a Content-Security-Policy without 'unsafe-inline'.
        path(
            "api/docs/",
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="core/swagger_ui.html"
            ),
            name="docs",
        ),
        path("api/v1/", include(api)),
    ]


handler400 = "lucid_payments.core.http_errors.bad_request"
handler403 = "lucid_payments.core.http_errors.forbidden"
handler404 = "lucid_payments.core.http_errors.not_found"
handler500 = "lucid_payments.core.http_errors.server_error"
