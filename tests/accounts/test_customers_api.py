from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client, Customer, KycApplication
from lucid_payments.core.models import AuditEvent
from tests.accounts.conftest import KeyedClient

pytestmark = pytest.mark.django_db


def _create(api: APIClient, body: dict[str, str], key: str = "k-1") -> Any:
    return api.post("/api/v1/customers", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_create_then_read_a_customer(api: APIClient, tenant: Client) -> None:
    response = _create(api, {"external_ref": "user-42", "email": "a@example.com"})
    assert response.status_code == 201
    body = response.json()
    assert body["external_ref"] == "user-42"
    assert body["status"] == "active"
    assert body["kyc"] == {"status": "none", "level": None, "expires_at": None}
    customer = Customer.objects.get(pk=body["id"])
    assert customer.client == tenant and customer.email == "a@example.com"
    assert AuditEvent.objects.filter(action="customer.created", object_id=str(customer.pk)).exists()

    fetched = api.get(f"/api/v1/customers/{customer.pk}")
    assert fetched.status_code == 200
    assert fetched.json() == body


def test_one_client_never_reads_another_clients_customer(
    api: APIClient, other_tenant: Client, keyed_client: KeyedClient
) -> None:
    theirs = Customer.objects.create(client=other_tenant, external_ref="secret")
    response = api.get(f"/api/v1/customers/{theirs.pk}")
    # 404 exactly like a customer that does not exist: ids reveal nothing.
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "customer_not_found"
    missing = api.get(f"/api/v1/customers/{theirs.pk + 100000}")
    assert missing.status_code == 404 and missing.json() == response.json()
    # ... and the owner does see it.
    assert keyed_client(other_tenant).get(f"/api/v1/customers/{theirs.pk}").status_code == 200


def test_one_client_cannot_submit_kyc_for_another_clients_customer(
    api: APIClient, other_tenant: Client
) -> None:
    theirs = Customer.objects.create(client=other_tenant, external_ref="secret")
    response = api.post(f"/api/v1/customers/{theirs.pk}/kyc", {}, format="multipart")
    assert response.status_code == 404
    assert not KycApplication.objects.exists()


def test_external_ref_is_unique_per_client_only(
    api: APIClient, other_tenant: Client, keyed_client: KeyedClient
) -> None:
    assert _create(api, {"external_ref": "same"}, key="a").status_code == 201
    again = _create(api, {"external_ref": "same"}, key="b")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "customer_exists"
    assert Customer.objects.filter(external_ref="same").count() == 1
    other = _create(keyed_client(other_tenant), {"external_ref": "same"}, key="a")
    assert other.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "external_ref"),
        ({"external_ref": ""}, "external_ref"),
        ({"external_ref": "has space"}, "external_ref"),
        ({"external_ref": "x" * 129}, "external_ref"),
        ({"external_ref": "ok", "email": "not-an-email"}, "email"),
    ],
)
def test_invalid_customer_is_400_with_fields(
    api: APIClient, body: dict[str, str], field: str
) -> None:
    response = _create(api, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not Customer.objects.exists()


def test_create_needs_an_idempotency_key(api: APIClient) -> None:
    response = api.post("/api/v1/customers", {"external_ref": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert not Customer.objects.exists()


def test_retry_with_the_same_key_replays_and_another_body_is_422(api: APIClient) -> None:
    first = _create(api, {"external_ref": "r-1"}, key="retry")
    replay = _create(api, {"external_ref": "r-1"}, key="retry")
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    reused = _create(api, {"external_ref": "r-2"}, key="retry")
    assert reused.status_code == 422
    assert Customer.objects.count() == 1


def test_kyc_summary_reports_expiry_even_before_the_sweep(
    api: APIClient, customer: Customer
) -> None:
    now = timezone.now()
    KycApplication.objects.create(
        customer=customer,
        status=KycApplication.Status.APPROVED,
        level=KycApplication.Level.BASIC,
        first_name="A",
        last_name="B",
        date_of_birth="1990-01-01",
        country="DE",
        document_type="passport",
        document_number="X1",
        reviewed_at=now - timedelta(days=400),
        expires_at=now - timedelta(days=35),
    )
    kyc = api.get(f"/api/v1/customers/{customer.pk}").json()["kyc"]
    assert kyc["status"] == "expired" and kyc["level"] == "basic"
