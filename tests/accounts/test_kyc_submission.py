from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Customer, KycApplication, KycDocument
from lucid_payments.core.models import AuditEvent
from tests.accounts.conftest import JPEG_BYTES, PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db

IDENTITY = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1990-12-10",
    "country": "GB",
    "document_type": "passport",
    "document_number": "P1234567",
}


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _submit(api: APIClient, customer: Customer, **fields: Any) -> Any:
    body = {**IDENTITY, **fields}
    return api.post(f"/api/v1/customers/{customer.pk}/kyc", body, format="multipart")


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_basic_submission_stores_the_application_and_its_document(
    api: APIClient, customer: Customer, private_media: Path
) -> None:
    response = _submit(api, customer, document_front=_upload("front.png", PNG_BYTES, "image/png"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["level"] == "basic"
    assert body["documents"] == [
        {
            "kind": "document_front",
            "content_type": "image/png",
            "size": len(PNG_BYTES),
            "sha256": hashlib.sha256(PNG_BYTES).hexdigest(),
        }
    ]
    document = KycDocument.objects.get()
    assert document.application.customer == customer
    # Stored under a random name in the private directory, never the uploader's name.
    stored = _stored_files(private_media)
    assert len(stored) == 1 and stored[0].read_bytes() == PNG_BYTES
    assert "front" not in stored[0].name and stored[0].suffix == ".png"
    assert AuditEvent.objects.filter(action="kyc.submitted", object_id=str(body["id"])).exists()
    assert api.get(f"/api/v1/customers/{customer.pk}").json()["kyc"]["status"] == "pending"


def test_full_level_needs_selfie_and_proof_of_address(
    api: APIClient, customer: Customer, private_media: Path
) -> None:
    response = _submit(
        api,
        customer,
        level="full",
        document_front=_upload("f.jpg", JPEG_BYTES, "image/jpeg"),
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"selfie", "proof_of_address"}
    assert not KycApplication.objects.exists() and not _stored_files(private_media)

    complete = _submit(
        api,
        customer,
        level="full",
        document_front=_upload("f.jpg", JPEG_BYTES, "image/jpeg"),
        selfie=_upload("s.png", PNG_BYTES, "image/png"),
        proof_of_address=_upload("bill.pdf", PDF_BYTES, "application/pdf"),
    )
    assert complete.status_code == 201
    assert KycDocument.objects.count() == 3 and len(_stored_files(private_media)) == 3


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (("x.png", b"MZ\x90\x00 not an image", "image/png"), "content"),  # lies about its type
        (("x.gif", b"GIF89a" + b"\x00" * 20, "image/gif"), "content"),  # not an allowed type
        (("x.png", PNG_BYTES, "image/jpeg"), "declared"),  # declared type disagrees
        (("x.png", b"", "image/png"), "empty"),
    ],
)
def test_documents_with_a_bad_type_are_400_and_nothing_is_written(
    api: APIClient,
    customer: Customer,
    private_media: Path,
    upload: tuple[str, bytes, str],
    reason: str,
) -> None:
    response = _submit(api, customer, document_front=_upload(*upload))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "document_front" in error["fields"]
    assert reason in error["fields"]["document_front"][0]
    assert not KycApplication.objects.exists() and not KycDocument.objects.exists()
    assert not _stored_files(private_media)


def test_documents_over_the_size_limit_are_400_and_nothing_is_written(
    api: APIClient, customer: Customer, private_media: Path, settings: pytest.FixtureRequest
) -> None:
    settings.KYC_DOCUMENT_MAX_BYTES = 1024
    too_big = PNG_BYTES + b"\x00" * 1024
    response = _submit(
        api,
        customer,
        document_front=_upload("ok.jpg", JPEG_BYTES, "image/jpeg"),
        selfie=_upload("big.png", too_big, "image/png"),
    )
    assert response.status_code == 400
    assert "limit is 1024 bytes" in response.json()["error"]["fields"]["selfie"][0]
    assert not KycApplication.objects.exists() and not _stored_files(private_media)


def test_an_oversized_request_is_refused_before_parsing(
    api: APIClient, customer: Customer, private_media: Path, settings: pytest.FixtureRequest
) -> None:
    settings.KYC_DOCUMENT_MAX_BYTES = 100
    response = _submit(
        api, customer, document_front=_upload("big.png", PNG_BYTES * 5000, "image/png")
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert not KycApplication.objects.exists() and not _stored_files(private_media)


def test_invalid_identity_data_is_400(api: APIClient, customer: Customer) -> None:
    response = _submit(
        api,
        customer,
        country="gb",
        date_of_birth="2999-01-01",
        document_front=_upload("f.png", PNG_BYTES, "image/png"),
    )
    assert response.status_code == 400
    assert {"country", "date_of_birth"} <= set(response.json()["error"]["fields"])


def test_a_second_submission_while_one_is_pending_is_409(
    api: APIClient, customer: Customer, private_media: Path
) -> None:
    first = _submit(api, customer, document_front=_upload("a.png", PNG_BYTES, "image/png"))
    assert first.status_code == 201
    second = _submit(api, customer, document_front=_upload("b.png", PNG_BYTES, "image/png"))
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "kyc_pending"
    assert KycApplication.objects.count() == 1
    assert len(_stored_files(private_media)) == 1  # the refused upload left no file


def test_json_body_is_415(api: APIClient, customer: Customer) -> None:
    response = api.post(f"/api/v1/customers/{customer.pk}/kyc", IDENTITY, format="json")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
