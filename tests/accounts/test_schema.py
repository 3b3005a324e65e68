"""The payout-router's OpenAPI document describes the customers API and its errors."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.payout_router")]


def _schema(api_client: APIClient) -> dict[str, Any]:
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_customer_paths_document_request_response_and_error_bodies(api_client: APIClient) -> None:
    document = _schema(api_client)
    paths = document["paths"]
    create = paths["/api/v1/customers"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "409", "422"}
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    error_ref = create["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
    error = document["components"]["schemas"][error_ref.rsplit("/", 1)[-1]]
    assert set(error["properties"]) == {"error"}

    detail = paths["/api/v1/customers/{customer_id}"]["get"]
    assert set(detail["responses"]) >= {"200", "401", "403", "404"}

    kyc = paths["/api/v1/customers/{customer_id}/kyc"]["post"]
    body = kyc["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    request_ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = document["components"]["schemas"][request_ref]["properties"]
    assert fields["document_front"]["format"] == "binary"
    assert set(kyc["responses"]) >= {"201", "400", "401", "403", "404", "409"}


def test_api_key_security_scheme_is_documented(api_client: APIClient) -> None:
    document = _schema(api_client)
    # The scheme itself is core's (lucid_payments/core/openapi_auth.py).
    scheme = document["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    create = document["paths"]["/api/v1/customers"]["post"]
    assert {"ApiKeyAuth": []} in create["security"]


def test_schema_generation_raises_no_warnings() -> None:
    from io import StringIO

    from django.core.management import call_command

    errors = StringIO()
    call_command(
        "spectacular",
        "--urlconf",
        "lucid_payments.urls.payout_router",
        "--fail-on-warn",
        stdout=StringIO(),
        stderr=errors,
    )
    assert errors.getvalue() == ""
