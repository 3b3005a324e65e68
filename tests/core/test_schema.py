from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.money import MoneySerializer
from lucid_payments.core.schema import error_responses, idempotency_key_parameter


class TransferView(IdempotentMixin, APIView):
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="transfer_create",
        request=MoneySerializer,
        parameters=[idempotency_key_parameter()],
        responses={201: MoneySerializer, **error_responses(400, 401, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        return Response(status=201)


def _schema() -> dict[str, Any]:
    generator = SchemaGenerator(patterns=[path("transfers", TransferView.as_view())])
    return generator.get_schema(request=None, public=True)


def test_error_responses_document_the_error_body() -> None:
    operation = _schema()["paths"]["/transfers"]["post"]
    # 413 and 415 come from the postprocessing hooks: every operation that reads a body has them.
    assert set(operation["responses"]) == {"201", "400", "401", "409", "413", "415", "422"}
    for status in ("400", "401", "409", "413", "415", "422"):
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        assert operation["responses"][status]["description"]


def test_error_component_has_the_documented_shape() -> None:
    components = _schema()["components"]["schemas"]
    assert components["Error"]["required"] == ["error"]
    detail = components["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields"}
    fields = detail["properties"]["fields"]
    assert fields["type"] == "object"
    assert fields["additionalProperties"]["items"]["type"] == "string"


def test_idempotency_key_header_and_money_are_documented() -> None:
    schema = _schema()
    operation = schema["paths"]["/transfers"]["post"]
    [header] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and header["required"] is True
    money = schema["components"]["schemas"]["Money"]
    assert set(money["properties"]) == {"amount", "asset"}
    assert money["properties"]["amount"]["type"] == "string"


def test_all_error_statuses_when_none_are_named() -> None:
    assert set(error_responses()) == {400, 401, 403, 404, 409, 422, 429}
