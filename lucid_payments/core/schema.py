"""OpenAPI pieces every API view shares: the error body and the Idempotency-Key header.

@extend_schema(
    parameters=[idempotency_key_parameter()],
    responses={201: CustomerOutput, **error_responses(400, 401, 403, 409, 422, 429)},
)
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from lucid_payments.core.idempotency import IDEMPOTENCY_KEY_HEADER, MAX_KEY_LENGTH


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text='Stable machine-readable code, e.g. "invalid_amount".')
    message = serializers.CharField(help_text="Human-readable explanation.")
    # DRF's metaclass pops declared fields from the class body, so this does not shadow
    # Serializer.fields at runtime; the stubs cannot know that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Problems per input field ("a.b" for nested ones); empty if none.',
    )


class ErrorSerializer(serializers.Serializer[Any]):
    """``{"error": {"code", "message", "fields"}}``: the body of every 4xx and 5xx."""

    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request is not valid (see `fields`).",
    401: "No API key, or an unknown or revoked one.",
    403: "The API key lacks the scope, or the action is not allowed.",
    404: "No such resource for this client.",
    409: "Conflicts with the current state, or the same Idempotency-Key is still running.",
    422: "The Idempotency-Key was already used with a different request.",
    429: "Too many requests for this API key; retry after `Retry-After` seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """``responses=`` entries documenting the error body for each status in ``codes``
    (all of 400/401/403/404/409/422/429 when none are given)."""
    wanted = codes or tuple(ERROR_DESCRIPTIONS)
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(code, "Error."))
        for code in wanted
    }


def idempotency_key_parameter(*, required: bool = True) -> OpenApiParameter:
    """The ``Idempotency-Key`` request header, as IdempotentMixin enforces it."""
    # The schema, not only the description, carries what ``_valid_key`` checks, so that a
    # client generated from the document (or a fuzzer) knows which keys are refused.
    return OpenApiParameter(
        IDEMPOTENCY_KEY_HEADER,
        {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[ -~]+$"},
        location=OpenApiParameter.HEADER,
        required=required,
        description=(
            f"1-{MAX_KEY_LENGTH} printable ASCII characters, unique per request you mean to "
            "make once. Retrying with the same key and body replays the first response "
            "(header `Idempotent-Replayed: true`); another body under the same key is 422. "
            "Keys are kept at least 24 hours."
        ),
    )


UNSUPPORTED_MEDIA_TYPE_DESCRIPTION = "The body's Content-Type is not one this operation reads."
REQUEST_TOO_LARGE_DESCRIPTION = (
    "The body is larger than the service accepts (`request_too_large`); file uploads have "
    "their own, smaller per-file limit, reported as a 400 on the file's field."
)


def _document_for_every_body(result: dict[str, Any], status: str, description: str) -> None:
    error = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault(status, error)


def document_unsupported_media_type(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation that reads a body answers 415 in
    the error shape when the body's Content-Type (or its absence) is not one it parses; the
    parsers decide that before any view code, so the hook documents it once for all."""
    _document_for_every_body(result, "415", UNSUPPORTED_MEDIA_TYPE_DESCRIPTION)
    return result


def document_request_too_large(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation that reads a body answers 413 in
    the error shape when the body is over DATA_UPLOAD_MAX_MEMORY_SIZE; Django checks that
    when the body is first read, whichever the view, so the hook documents it once for all."""
    _document_for_every_body(result, "413", REQUEST_TOO_LARGE_DESCRIPTION)
    return result
