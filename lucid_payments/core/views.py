"""Health, status and metrics endpoints served by every process, without authentication."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.core.health_serializers import HealthLiveOutput, HealthReadyOutput, StatusOutput
from lucid_payments.core.metrics import render_latest
from lucid_payments.core.readiness import readiness_failures
from lucid_payments.core.status import service_status


class _PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []


class LiveView(_PublicView):
    @extend_schema(operation_id="health_live", tags=["health"], responses={200: HealthLiveOutput})
    def get(self, request: Request) -> Response:
        return Response(HealthLiveOutput({"status": "ok", "service": settings.SERVICE_NAME}).data)


_READY_RESPONSES = {
    200: HealthReadyOutput,
    503: OpenApiResponse(HealthReadyOutput, description="a dependency is down"),
}


class ReadyView(_PublicView):
    @extend_schema(
        operation_id="health_ready",
        tags=["health"],
        summary="Ready when the database and the TRON node answer (else 503 with reasons)",
        responses=_READY_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        failures = readiness_failures()
        body = {
            "status": "ok" if not failures else "unavailable",
            "service": settings.SERVICE_NAME,
            "failures": failures,
        }
        return Response(HealthReadyOutput(body).data, status=200 if not failures else 503)


class HealthView(ReadyView):
    """``/health``: the URL the seeds' deployments check, answering exactly as ready."""

    @extend_schema(
        operation_id="health",
        tags=["health"],
        summary="The same answer as /health/ready (the deployments' health-check URL)",
        responses=_READY_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class StatusView(_PublicView):
    @extend_schema(
        operation_id="status",
        tags=["health"],
        summary="Service, version, network, node head and solid block, scanner lag, queue "
        "depth, uptime; a dependency that does not answer is null, with the reason",
        responses={200: StatusOutput},
    )
    def get(self, request: Request) -> Response:
        return Response(StatusOutput(asdict(service_status())).data)


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
