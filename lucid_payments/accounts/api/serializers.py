"""Request and response bodies of the customers and KYC API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lucid_payments.accounts.countries import is_iso_country
from lucid_payments.accounts.document_checks import DocumentRejected, check_document
from lucid_payments.accounts.kyc_services import DocumentUpload
from lucid_payments.accounts.models import Customer, KycApplication, KycDocument
from lucid_payments.accounts.selectors import KycSummary, customer_kyc_summary
from lucid_payments.core.fields import StrictCharField, StrictEmailField, StrictRegexField

EXTERNAL_REF_PATTERN = r"^[A-Za-z0-9._:@-]{1,128}$"


class CustomerCreateInput(serializers.Serializer[Any]):
    external_ref = StrictRegexField(
        EXTERNAL_REF_PATTERN,
        max_length=128,
        help_text="Your own id for the customer: 1-128 of A-Z a-z 0-9 . _ : @ -; unique "
        "among your customers.",
    )
    display_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    email = StrictEmailField(required=False, allow_blank=True, default="")


class KycSummaryOutput(serializers.Serializer[KycSummary]):
    status = serializers.ChoiceField(
        choices=["none", *KycApplication.Status.values],
        help_text="'approved' only while unexpired; 'none' if nothing was ever submitted.",
    )
    level = serializers.ChoiceField(choices=KycApplication.Level.choices, allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class CustomerOutput(serializers.Serializer[Customer]):
    id = serializers.IntegerField()
    external_ref = serializers.CharField()
    status = serializers.ChoiceField(choices=Customer.Status.choices)
    display_name = serializers.CharField()
    email = serializers.CharField()
    created_at = serializers.DateTimeField()
    kyc = serializers.SerializerMethodField()

    @extend_schema_field(KycSummaryOutput)
    def get_kyc(self, customer: Customer) -> dict[str, Any]:
        return dict(KycSummaryOutput(customer_kyc_summary(customer=customer)).data)


class KycDocumentOutput(serializers.Serializer[KycDocument]):
    kind = serializers.ChoiceField(choices=KycDocument.Kind.choices)
    content_type = serializers.CharField(help_text="Recognised from the file's content.")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class KycApplicationOutput(serializers.Serializer[KycApplication]):
    id = serializers.IntegerField()
    customer_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=KycApplication.Status.choices)
    level = serializers.ChoiceField(choices=KycApplication.Level.choices)
    submitted_at = serializers.DateTimeField()
    documents = KycDocumentOutput(many=True)


class KycDocumentField(serializers.FileField):
    """A document upload checked for size and real type; yields a ``DocumentUpload``."""

    def __init__(self, *, kind: KycDocument.Kind, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("help_text", "JPEG, PNG or PDF, up to KYC_DOCUMENT_MAX_BYTES.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:  # a DocumentUpload, not a File
        file = super().to_internal_value(data)
        assert isinstance(file, UploadedFile)
        try:
            content_type = check_document(file, declared_type=file.content_type)
        except DocumentRejected as exc:
            raise serializers.ValidationError(str(exc), code="document_rejected") from exc
        return DocumentUpload(
            kind=self.kind, file=file, content_type=content_type, original_name=file.name or ""
        )


# Documents each level needs; the others are optional.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    KycApplication.Level.BASIC: (KycDocument.Kind.DOCUMENT_FRONT,),
    KycApplication.Level.FULL: (
        KycDocument.Kind.DOCUMENT_FRONT,
        KycDocument.Kind.SELFIE,
        KycDocument.Kind.PROOF_OF_ADDRESS,
    ),
}


class KycSubmitInput(serializers.Serializer[Any]):
    level = serializers.ChoiceField(
        choices=KycApplication.Level.choices, default=KycApplication.Level.BASIC
    )
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    country = serializers.RegexField(
        r"^[A-Z]{2}$",
        help_text="ISO 3166-1 alpha-2, upper case (e.g. DE); unassigned codes are refused.",
    )
    document_type = serializers.ChoiceField(choices=KycApplication.DocumentType.choices)
    document_number = serializers.CharField(max_length=64)
    document_front = KycDocumentField(kind=KycDocument.Kind.DOCUMENT_FRONT)
    document_back = KycDocumentField(kind=KycDocument.Kind.DOCUMENT_BACK, required=False)
    selfie = KycDocumentField(kind=KycDocument.Kind.SELFIE, required=False)
    proof_of_address = KycDocumentField(kind=KycDocument.Kind.PROOF_OF_ADDRESS, required=False)

    def validate_country(self, value: str) -> str:
        if not is_iso_country(value):
            raise serializers.ValidationError("Not an ISO 3166-1 alpha-2 country code.")
        return value

    def validate_date_of_birth(self, value: date) -> date:
        if not date(1900, 1, 1) <= value < date.today():
            raise serializers.ValidationError("Must be a date in the past.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        missing = [kind for kind in REQUIRED_DOCUMENTS[attrs["level"]] if kind not in attrs]
        if missing:
            raise serializers.ValidationError(
                {kind: [f"Required for level {attrs['level']!r}."] for kind in missing}
            )
        return attrs

    def document_uploads(self) -> list[DocumentUpload]:
        return [
            self.validated_data[kind]
            for kind in KycDocument.Kind.values
            if kind in self.validated_data
        ]
