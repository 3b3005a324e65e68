"""Small builders for KYC rows, shared by the review, permission and admin tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile

from lucid_payments.accounts.models import Customer, KycApplication, KycDocument
from tests.accounts.conftest import PNG_BYTES


def make_application(customer: Customer, **overrides: Any) -> KycApplication:
    fields: dict[str, Any] = {
        "level": KycApplication.Level.BASIC,
        "first_name": "Grace",
        "last_name": "Hopper",
        "date_of_birth": date(1980, 12, 9),
        "country": "US",
        "document_type": KycApplication.DocumentType.PASSPORT,
        "document_number": "X7",
    }
    return KycApplication.objects.create(customer=customer, **(fields | overrides))


def attach_document(
    application: KycApplication, content: bytes = PNG_BYTES, content_type: str = "image/png"
) -> KycDocument:
    document = KycDocument(
        application=application,
        kind=KycDocument.Kind.DOCUMENT_FRONT,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
        original_name="front.png",
    )
    document.file.save("front", ContentFile(content), save=False)
    document.save()
    return document
