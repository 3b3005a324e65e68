from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from lucid_payments.core import http_errors


def test_api_paths_get_the_json_error_body() -> None:
    request = RequestFactory().get("/api/v1/nothing")
    response = http_errors.forbidden(request, PermissionDenied())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.content.startswith(b'{"error": {"code": "forbidden"')


def test_admin_paths_get_djangos_html_pages() -> None:
    request = RequestFactory().get("/admin/accounts/kycapplication/1/approve/")
    response = http_errors.forbidden(request, PermissionDenied())
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_outside_the_admin_is_a_json_500() -> None:
    response = http_errors.server_error(RequestFactory().get("/api/v1/x"))
    assert response.status_code == 500
    assert b"server_error" in response.content
