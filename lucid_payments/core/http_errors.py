"""Answers for errors raised outside DRF views (unknown URLs, crashes, CSRF).

API clients get the platform's JSON error body; operators in the Django admin get
Django's own HTML pages, which the admin's templates and browsers expect.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from lucid_payments.core.exception_handler import body_too_large, error_body

ADMIN_PREFIX = "/admin/"


def _is_admin(request: HttpRequest) -> bool:
    return request.path.startswith(ADMIN_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(error_body("not_found", "No such resource."), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_admin(request):
        return defaults.server_error(request)
    return JsonResponse(
        error_body("server_error", "Internal error; it has been logged."), status=500
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        # Raised where a view outside DRF reads the body (DRF views answer it themselves).
        error = body_too_large()
        return JsonResponse(error_body(error.code, error.message), status=error.status_code)
    return JsonResponse(error_body("bad_request", "Bad request."), status=400)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(error_body("forbidden", "Forbidden."), status=403)
