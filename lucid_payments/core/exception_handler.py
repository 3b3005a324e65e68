"""Maps every error an API view can raise to one body shape.

``{"error": {"code": str, "message": str, "fields": {name: [messages]}}}`` for our own
errors, DRF's (validation, auth, 404, 405, 406, 415, throttling) and Django's
(Http404, PermissionDenied, RequestDataTooBig).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.http.request import UnreadablePostError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_default_handler

from lucid_payments.core.errors import ApplicationError, RequestTooLarge

logger = logging.getLogger(__name__)

# DRF's own codes are mostly fine; these are renamed to read well in our API.
_DRF_CODES = {
    "not_authenticated": "not_authenticated",
    "authentication_failed": "not_authenticated",
    "permission_denied": "forbidden",
    "not_found": "not_found",
    "method_not_allowed": "method_not_allowed",
    "not_acceptable": "not_acceptable",
    "unsupported_media_type": "unsupported_media_type",
    "throttled": "throttled",
    "parse_error": "malformed_request",
}


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def body_too_large() -> RequestTooLarge:
    """The error for a body over DATA_UPLOAD_MAX_MEMORY_SIZE. Django raises that as a
    SuspiciousOperation and would answer a bare 400, which tells a client nothing."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return RequestTooLarge(f"The request body is larger than the {limit} bytes accepted.")


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested ValidationError detail into ``{"a.b": [msg, …]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}[{index}]" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        exc = body_too_large()
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, UnreadablePostError):
        # The client stopped sending its body: the server's read deadline passed.
        message = "The request body was not received in time."
        return Response(error_body("request_timeout", message), status=408)

    response = drf_default_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500 (JSON via handler500)

    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body("invalid", "The request is not valid.", fields)
    else:
        codes = exc.get_codes()
        raw_code = codes if isinstance(codes, str) else "error"
        code = _DRF_CODES.get(raw_code, raw_code)
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc)
        response.data = error_body(code, message)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
