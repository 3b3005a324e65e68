from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.money import MoneySerializer
from lucid_payments.core.schema import Operations, error_responses

API = Operations("transfers")


class NoteQuery(serializers.Serializer[Any]):
    asset = serializers.CharField()


class TransferView(IdempotentMixin, APIView):
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="transfer_create",
        request=MoneySerializer,
        responses={201: MoneySerializer, **error_responses(401)},
    )
    def post(self, request: Request) -> Response:
        return Response(status=201)


class NoteView(IdempotentMixin, APIView):
    permission_classes: list[Any] = []
    idempotency_required = False

    @API.read("note_list", "Notes", NoteQuery, query=NoteQuery)
    def get(self, request: Request, query: dict[str, Any]) -> Response:
        return Response({"asset": query["asset"]})

    @API("note_create", "Write a note", {201: MoneySerializer}, request=None)
    def post(self, request: Request) -> Response:
        return Response(status=201)


def _schema() -> dict[str, Any]:
    generator = SchemaGenerator(
        patterns=[path("transfers", TransferView.as_view()), path("notes", NoteView.as_view())]
    )
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


def test_the_key_and_its_errors_are_documented_as_the_view_enforces_them() -> None:
    notes = _schema()["paths"]["/notes"]
    [header] = [p for p in notes["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    assert not header.get("required", False)
    assert list(notes["post"]["responses"]) == ["201", "400", "401", "403", "409", "422", "429"]
    # GET is not a keyed method: no header, no key errors; its query may not validate.
    assert all(p["name"] != "Idempotency-Key" for p in notes["get"]["parameters"])
    assert list(notes["get"]["responses"]) == ["200", "400", "401", "403", "429"]


def test_a_read_is_given_the_query_it_documents() -> None:
    view = NoteView.as_view()
    factory = APIRequestFactory()
    assert view(factory.get("/notes", {"asset": "TRX"})).data == {"asset": "TRX"}
    assert view(factory.get("/notes")).status_code == 400
