"""Forms of the KYC review queue."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms

from lucid_payments.accounts.countries import is_iso_country
from lucid_payments.accounts.document_checks import DocumentRejected, check_document
from lucid_payments.accounts.models import KycApplication, KycDocument
from lucid_payments.core.admin_reasons import ReasonForm

# A decision takes a reason like every other audited admin action.
KycDecisionForm = ReasonForm


class KycApplicationForm(forms.ModelForm):
    class Meta:
        model = KycApplication
        fields = (
            "customer",
            "level",
            "first_name",
            "last_name",
            "date_of_birth",
            "country",
            "document_type",
            "document_number",
        )

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if not is_iso_country(country):
            raise forms.ValidationError("Not an ISO 3166-1 alpha-2 country code.")
        return country

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        customer = cleaned.get("customer")
        # The database allows one pending application per customer; say so politely
        # instead of failing on the constraint.
        if customer is not None:
            others = customer.kyc_applications.exclude(pk=self.instance.pk)
            if others.filter(status=KycApplication.Status.PENDING).exists():
                raise forms.ValidationError(
                    "This customer already has a pending application; edit that one."
                )
        return cleaned


class KycDocumentUploadForm(forms.ModelForm):
    """An operator's upload passes the same size and content checks as the API's."""

    class Meta:
        model = KycDocument
        fields = ("kind", "file")

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        try:
            content_type = check_document(file, declared_type=None)
        except DocumentRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        digest = hashlib.sha256()
        for chunk in file.chunks():
            digest.update(chunk)
        file.seek(0)
        self.instance.content_type = content_type
        self.instance.size = file.size
        self.instance.sha256 = digest.hexdigest()
        self.instance.original_name = (file.name or "")[:255]
        return file
