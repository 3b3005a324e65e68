from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.services import api_key_create, client_create

pytestmark = pytest.mark.django_db


def test_a_body_nested_past_the_recursion_limit_is_a_400_not_a_crash() -> None:
    client = client_create(name="nesting")
    _, secret = api_key_create(client=client, name="k")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = "[" * 50_000 + "]" * 50_000
    response = api.post(
        "/api/v1/customers",
        data=body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="nested-1",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"
