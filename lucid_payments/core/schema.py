"""OpenAPI pieces every API view shares: the error body, the Idempotency-Key header, and
the one way an operation is declared.

API = Operations("customers")

@API("customer_create", "Register a customer", {201: CustomerOutput}, request=CustomerCreateInput)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from lucid_payments.core.idempotency import (
    IDEMPOTENCY_KEY_HEADER,
    MAX_KEY_LENGTH,
    IdempotentMixin,
)
from lucid_payments.core.inputs import validated


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


# Every caller of an operation may be unknown (401), lack the scope (403) or be over its
# rate (429): the authentication, permission and throttle classes answer before the view.
CALLER_ERRORS = (401, 403, 429)
# A request that reads a body or a query may not validate.
INPUT_ERRORS = (400,)
# A keyed request may carry a malformed key (400), run concurrently with the same key (409)
# or reuse one for another request (422): IdempotentMixin answers these.
KEY_ERRORS = (400, 409, 422)

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V", bound=type)
ViewT = TypeVar("ViewT")
Kwargs = ParamSpec("Kwargs")
# A view method given the validated query, and the ``get`` made of it.
Reader = Callable[Concatenate[ViewT, Request, dict[str, Any], Kwargs], Response]
Get = Callable[Concatenate[ViewT, Request, Kwargs], Response]


class Operations:
    """The operations of one API area, each declared in one call: its id, summary and
    answer (a serializer for a 200, else ``{status: serializer}``), what it reads, and the
    errors it can answer besides those every caller (``CALLER_ERRORS``) or input
    (``INPUT_ERRORS``) can meet, which it documents without being told. The key and its
    errors are documented from the view (see ``AutoSchema``)."""

    def __init__(self, *tags: str) -> None:
        self.tags = list(tags)

    def __call__(
        self,
        operation_id: str,
        summary: str,
        answer: Any,
        *,
        errors: tuple[int, ...] = (),
        request: Any = empty,
        query: Any = None,
        parameters: tuple[Any, ...] = (),
        description: str | None = None,
    ) -> Callable[[F], F]:
        codes = set(CALLER_ERRORS) | set(errors)
        if query is not None or request not in (empty, None):
            codes |= set(INPUT_ERRORS)
        answers = answer if isinstance(answer, dict) else {200: answer}
        listed = [*([query] if query is not None else []), *parameters]
        decorate: Callable[[F], F] = extend_schema(
            operation_id=operation_id,
            tags=self.tags,
            summary=summary,
            description=description,
            parameters=listed or None,
            request=request,
            responses={**answers, **error_responses(*sorted(codes))},
        )
        return decorate

    def read(
        self,
        operation_id: str,
        summary: str,
        answer: Any,
        *,
        query: type[serializers.Serializer[Any]],
        errors: tuple[int, ...] = (),
    ) -> Callable[[Reader[ViewT, Kwargs]], Get[ViewT, Kwargs]]:
        """Make a view's ``get`` from a method given the query as ``query`` validates it
        (a 400 naming the fields otherwise): the query read is the query documented."""

        def decorate(read: Reader[ViewT, Kwargs]) -> Get[ViewT, Kwargs]:
            @self(operation_id, summary, answer, errors=errors, query=query)
            def get(
                view: ViewT, request: Request, *args: Kwargs.args, **kwargs: Kwargs.kwargs
            ) -> Response:
                return read(view, request, validated(query, request.query_params), *args, **kwargs)

            return get

        return decorate

    def retrieve(self, operation_id: str, summary: str, answer: Any) -> Callable[[F], F]:
        """Document reading one of the caller's objects by its id: 404 when the id is not
        one of theirs, as for an object that does not exist."""
        return self(operation_id, summary, answer, errors=(404,))

    def cancel(self, operation_id: str, summary: str, answer: Any) -> Callable[[V], V]:
        """Document a ``CancelView``'s POST: no body, the object it cancelled, 404 when the
        id is not one of the caller's."""
        post = self(operation_id, summary, answer, errors=(404,), request=None)
        decorate: Callable[[V], V] = extend_schema_view(post=post)
        return decorate


class AutoSchema(SpectacularAutoSchema):
    """The Idempotency-Key header and its errors, documented from the view: IdempotentMixin
    decides which methods take a key and whether it is required, so the document says what
    the view enforces and no operation has to repeat it."""

    def _key_required(self) -> bool | None:
        view = self.view
        if not isinstance(view, IdempotentMixin) or self.method not in view.idempotent_methods:
            return None
        return view.idempotency_required

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        required = self._key_required()
        if required is not None:
            parameters.append(idempotency_key_parameter(required=required))
        return parameters

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None or self._key_required() is None:
            return operation
        responses = operation["responses"]
        for code, error in error_responses(*KEY_ERRORS).items():
            if str(code) not in responses:
                # Rendered as drf-spectacular renders every other declared response.
                responses[str(code)] = self._get_response_for_code(error, str(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation


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
