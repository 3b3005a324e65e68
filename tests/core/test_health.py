from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_live_answers_ok_with_the_service_name(api_client: APIClient) -> None:
    response = api_client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "test"}


def test_ready_reports_the_node_when_it_is_unreachable(
    api_client: APIClient, settings: pytest.FixtureRequest
) -> None:
    settings.TRON_NODE_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.TRON_NODE_URLS = [settings.TRON_NODE_URL]
    response = api_client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert set(body["failures"]) == {"node"}


def test_metrics_are_prometheus_text(api_client: APIClient) -> None:
    api_client.get("/health/live")
    response = api_client.get("/metrics")
    assert response.status_code == 200
    assert b"lucid_http_requests_total" in response.content


def test_unknown_url_is_a_json_404(api_client: APIClient) -> None:
    response = api_client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_docs_load_swagger_from_our_own_static_files(api_client: APIClient) -> None:
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
