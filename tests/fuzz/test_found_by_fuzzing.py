"""Plain regression tests for what the API fuzz run (test_api_fuzz.py) found, each with the
request that failed."""

from __future__ import annotations

import importlib

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.urls.all_services import SERVICES

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    _, secret = api_key_create(client=client_create(name="regressions"), name="all scopes")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_body_without_content_type_is_a_415_in_the_error_shape(api: APIClient) -> None:
    response = api.generic(
        "POST", "/api/v1/addresses/validate", data=b"--x\r\n\xf0\xb6\xb4\x91--x--\r\n"
    )
    assert response.status_code == 415, response.content
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "process", ["tron_client", "payout_router", "wallet_manager", "usdt_manager", "trx_staking"]
)
def test_every_operation_with_a_body_documents_415(process: str) -> None:
    urlconf = importlib.import_module(f"lucid_payments.settings.{process}").ROOT_URLCONF
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    undocumented = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        and "requestBody" in operation
        and "415" not in operation["responses"]
    ]
    assert undocumented == []


def test_a_number_is_not_an_address_to_validate(api: APIClient) -> None:
    response = api.post(
        "/api/v1/addresses/validate", {"address": -3.682197013181851e16}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"address": ["Must be a string."]}


def test_a_number_is_not_a_customer_external_ref(api: APIClient) -> None:
    response = api.post(
        "/api/v1/customers",
        {"external_ref": 12345},
        format="json",
        HTTP_IDEMPOTENCY_KEY="numeric-ref-1",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"external_ref": ["Must be a string."]}


def test_a_long_all_digit_number_is_not_a_txid(api: APIClient) -> None:
    response = api.post(
        "/api/v1/transactions/broadcast",
        {"txID": int("1" * 64), "raw_data": {}, "raw_data_hex": "00", "signature": ["00" * 65]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="numeric-txid-1",
    )
    assert response.status_code == 400, response.content
    assert "txID" in response.json()["error"]["fields"]


def _idempotency_headers(process: str) -> list[dict[str, object]]:
    urlconf = importlib.import_module(f"lucid_payments.settings.{process}").ROOT_URLCONF
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return [
        parameter
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    ]


def test_the_idempotency_key_is_documented_as_the_code_checks_it() -> None:
    """Schemathesis sent schema-valid keys (non-ASCII letters, 300 characters) that the code
    refuses with a 400: the header's schema now says what ``_valid_key`` enforces."""
    documented = [h["schema"] for p in SERVICES for h in _idempotency_headers(p)]
    assert documented
    assert all(
        schema == {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"}
        for schema in documented
    ), documented


@pytest.mark.parametrize("key", ["clé", "k" * 256])
def test_a_key_outside_the_documented_schema_is_a_400(api: APIClient, key: str) -> None:
    response = api.post(
        "/api/v1/customers", {"external_ref": "key-check"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
