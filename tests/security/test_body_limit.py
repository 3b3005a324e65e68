"""A body over the size limit is a 413 ``request_too_large`` in the error shape (it was a
bare 400 "Bad request."), on the real server too, and every operation that reads a body
documents it; a KYC document over its own limit is still a 400 on its field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Customer, KycApplication
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.core.http_errors import bad_request
from tests.accounts.conftest import PNG_BYTES
from tests.security.gunicorn_process import GunicornService, gunicorn_service
from wallets.models.wallets import Wallet

TWENTY_MB = 20 * 1024 * 1024


def _huge_wallet_body() -> bytes:
    return json.dumps({"kind": "hot", "label": "x" * TWENTY_MB}).encode()


def _api(scope: str) -> APIClient:
    tenant = client_create(name=f"body-limit-{scope}")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=[scope])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return api


def _assert_request_too_large(status: int, body: dict[str, Any]) -> None:
    assert status == 413, body
    assert body["error"]["code"] == "request_too_large"
    assert "bytes" in body["error"]["message"]
    assert body["error"]["fields"] == {}


@pytest.fixture(scope="module")
def wallet_manager(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GunicornService]:
    with gunicorn_service(
        "lucid_payments.settings.wallet_manager", tmp_path_factory.mktemp("body-limit")
    ) as service:
        yield service


def test_a_20_mb_body_is_a_413_from_the_real_server(
    wallet_manager: GunicornService, transactional_db: None
) -> None:
    tenant = client_create(name="body-limit-probe")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=[Scope.WALLETS])
    with requests.Session() as session:
        response = session.post(
            f"{wallet_manager.base_url}/api/v1/wallets",
            data=_huge_wallet_body(),
            headers={
                "Authorization": f"Bearer {plaintext}",
                "Content-Type": "application/json",
                "Idempotency-Key": "huge-body",
            },
            timeout=60,
        )
        _assert_request_too_large(response.status_code, response.json())
        assert response.headers["Content-Type"] == "application/json"
        # The server is still there for the next request.
        assert session.get(f"{wallet_manager.base_url}/health/live", timeout=10).ok
    assert not Wallet.objects.filter(client=tenant).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scope", "url"),
    [(Scope.WALLETS, "/api/v1/wallets"), (Scope.PAYOUTS, "/api/v1/customers")],
)
def test_json_endpoints_answer_413_and_write_nothing(scope: str, url: str) -> None:
    response = _api(scope).generic(
        "POST",
        url,
        _huge_wallet_body(),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="huge",
    )
    _assert_request_too_large(response.status_code, response.json())
    assert Wallet.objects.count() == 0
    assert Customer.objects.count() == 0


def test_djangos_400_handler_answers_a_too_large_body_with_413() -> None:
    """Where a view outside DRF (a future HTML page) reads a too-large body, Django turns
    RequestDataTooBig into its handler400; that answers 413 in the error shape too."""
    request = RequestFactory().post("/pay/anything")
    response = bad_request(request, RequestDataTooBig("too big"))
    _assert_request_too_large(response.status_code, json.loads(response.content))


@pytest.mark.django_db
def test_a_kyc_document_over_its_own_limit_is_still_a_400_on_its_field(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KYC_DOCUMENT_MAX_BYTES = 1024
    tenant = client_create(name="body-limit-kyc")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=[Scope.PAYOUTS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    customer = Customer.objects.create(client=tenant, external_ref="c-1")
    response = api.post(
        f"/api/v1/customers/{customer.pk}/kyc",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "date_of_birth": "1990-12-10",
            "country": "GB",
            "document_type": "passport",
            "document_number": "P1",
            "document_front": SimpleUploadedFile(
                "big.png", PNG_BYTES + b"\x00" * 2048, content_type="image/png"
            ),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["document_front"]
    assert not KycApplication.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "urlconf",
    [
        "lucid_payments.urls.all_services",
        "lucid_payments.urls.wallet_manager",
        "lucid_payments.urls.payout_router",
        "lucid_payments.urls.tron_client",
    ],
)
def test_every_operation_with_a_body_documents_413(urlconf: str, settings: Any) -> None:
    settings.ROOT_URLCONF = urlconf
    document = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    with_body = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert with_body, urlconf
    for path, method, operation in with_body:
        response = operation["responses"].get("413")
        assert response is not None, f"{method.upper()} {path}"
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}
