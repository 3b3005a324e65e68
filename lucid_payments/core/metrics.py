"""Prometheus metrics: request counts and latency per service, route and status."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter(
    "lucid_http_requests_total",
    "HTTP requests answered",
    ["service", "method", "route", "status"],
)
LATENCY = Histogram(
    "lucid_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route"],
)


def _route(request: HttpRequest) -> str:
    # The matched URL pattern, not the raw path: raw paths carry ids and would explode
    # the label cardinality.
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        service = settings.SERVICE_NAME
        REQUESTS.labels(service, request.method or "", route, str(response.status_code)).inc()
        LATENCY.labels(service, request.method or "", route).observe(time.perf_counter() - started)
        return response


def render_latest() -> bytes:
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(DEFAULT_REGISTRY)
