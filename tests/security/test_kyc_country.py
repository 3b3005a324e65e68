"""A KYC identity's country must be an assigned ISO 3166-1 alpha-2 code: the probe got
``XX`` and ``AA`` accepted, and an operator's form took any two letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lucid_payments.accounts.admin.kyc_forms import KycApplicationForm
from lucid_payments.accounts.models import Customer, KycApplication, KycDocument
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from tests.accounts.conftest import PNG_BYTES

pytestmark = pytest.mark.django_db

IDENTITY = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1990-12-10",
    "document_type": "passport",
    "document_number": "P1234567",
}
NOT_COUNTRIES = ["XX", "AA", "ZZ", "QM", "EU", "UK"]  # user-assigned, reserved, not 3166-1


@pytest.fixture
def customer_api(settings: Any, tmp_path: Path) -> tuple[APIClient, Customer]:
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = client_create(name="kyc-country")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=[Scope.PAYOUTS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    customer = Customer.objects.create(client=tenant, external_ref="kyc-country-1")
    return api, customer


def _submit(api: APIClient, customer: Customer, country: str) -> Any:
    body = {
        **IDENTITY,
        "country": country,
        "document_front": SimpleUploadedFile("front.png", PNG_BYTES, content_type="image/png"),
    }
    return api.post(f"/api/v1/customers/{customer.pk}/kyc", body, format="multipart")


@pytest.mark.parametrize("country", NOT_COUNTRIES)
def test_a_code_that_is_no_country_is_refused_under_the_country_field(
    customer_api: tuple[APIClient, Customer], country: str
) -> None:
    api, customer = customer_api
    response = _submit(api, customer, country)
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["country"]
    assert KycApplication.objects.count() == 0
    assert KycDocument.objects.count() == 0


@pytest.mark.parametrize("country", ["DE", "GB", "US", "AX", "SS"])
def test_assigned_codes_are_accepted(
    customer_api: tuple[APIClient, Customer], country: str
) -> None:
    api, customer = customer_api
    response = _submit(api, customer, country)
    assert response.status_code == 201, response.content
    assert KycApplication.objects.get().country == country


@pytest.mark.parametrize(("country", "valid"), [("XX", False), ("AA", False), ("de", True)])
def test_the_operators_form_checks_the_same_list(
    customer_api: tuple[APIClient, Customer], country: str, valid: bool
) -> None:
    _, customer = customer_api
    form = KycApplicationForm(
        data={**IDENTITY, "customer": customer.pk, "level": "basic", "country": country}
    )
    assert form.is_valid() is valid, form.errors
    assert ("country" in form.errors) is not valid
