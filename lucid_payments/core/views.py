"""Health and metrics endpoints served by every process, without authentication."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.core.metrics import render_latest
from lucid_payments.core.readiness import readiness_failures

_Live = inline_serializer(
    "HealthLive", fields={"status": serializers.CharField(), "service": serializers.CharField()}
)
_Ready = inline_serializer(
    "HealthReady",
    fields={
        "status": serializers.CharField(),
        "service": serializers.CharField(),
        "failures": serializers.DictField(child=serializers.CharField()),
    },
)


class _PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []


class LiveView(_PublicView):
    @extend_schema(operation_id="health_live", tags=["health"], responses={200: _Live})
    def get(self, request: Request) -> Response:
        return Response({"status": "ok", "service": settings.SERVICE_NAME})


class ReadyView(_PublicView):
    @extend_schema(
        operation_id="health_ready",
        tags=["health"],
        responses={200: _Ready, 503: OpenApiResponse(_Ready, description="a dependency is down")},
    )
    def get(self, request: Request) -> Response:
        failures = readiness_failures()
        body = {
            "status": "ok" if not failures else "unavailable",
            "service": settings.SERVICE_NAME,
            "failures": failures,
        }
        return Response(body, status=200 if not failures else 503)


class PrometheusRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "prometheus"
    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return data if isinstance(data, bytes) else str(data).encode()


class MetricsView(_PublicView):
    renderer_classes = [PrometheusRenderer]

    @extend_schema(
        operation_id="metrics",
        tags=["health"],
        responses={(200, "text/plain"): OpenApiResponse(str, description="Prometheus exposition")},
    )
    def get(self, request: Request) -> Response:
        return Response(render_latest(), content_type=CONTENT_TYPE_LATEST)
