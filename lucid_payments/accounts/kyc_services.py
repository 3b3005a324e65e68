"""Writes for KYC: submission (API), operator edits, review decisions and expiry.

Decisions follow the platform's transition rule: lock the row, re-check the state, save,
write the audit row, all in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from lucid_payments.accounts.events import kyc_event_publish
from lucid_payments.accounts.models import Customer, KycApplication, KycDocument
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, Forbidden, InvalidInput


@dataclass(frozen=True)
class KycIdentity:
    first_name: str
    last_name: str
    date_of_birth: date
    country: str
    document_type: str
    document_number: str


@dataclass(frozen=True)
class DocumentUpload:
    """A file that has already passed the size and type checks."""

    kind: str
    file: File[Any]
    content_type: str  # sniffed, not declared
    original_name: str


def _sha256(file: File[Any]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _store_documents(application: KycApplication, uploads: list[DocumentUpload]) -> list[str]:
    stored: list[str] = []
    try:
        for upload in uploads:
            document = KycDocument(
                application=application,
                kind=upload.kind,
                content_type=upload.content_type,
                size=upload.file.size or 0,
                sha256=_sha256(upload.file),
                original_name=upload.original_name[:255],
            )
            document.file.save("upload", upload.file, save=False)
            stored.append(document.file.name or "")
            document.save()
    except BaseException:
        _delete_files(stored)
        raise
    return stored


def _delete_files(names: list[str]) -> None:
    storage = KycDocument._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def kyc_submit(
    *,
    customer: Customer,
    level: str,
    identity: KycIdentity,
    documents: list[DocumentUpload],
    actor: AuditActor,
) -> KycApplication:
    """Open a pending application with its documents for operators to review.

    A customer has at most one pending application (409 ``kyc_pending``). If anything
    fails, neither rows nor files are left behind.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Serialises submissions of one customer, so the pending check is reliable.
            Customer.objects.select_for_update().filter(pk=customer.pk).first()
            if customer.kyc_applications.filter(status=KycApplication.Status.PENDING).exists():
                raise Conflict(
                    "The customer already has a KYC application waiting for review.",
                    code="kyc_pending",
                )
            application = KycApplication.objects.create(
                customer=customer,
                level=level,
                first_name=identity.first_name,
                last_name=identity.last_name,
                date_of_birth=identity.date_of_birth,
                country=identity.country,
                document_type=identity.document_type,
                document_number=identity.document_number,
            )
            stored = _store_documents(application, documents)
            audit_log(
                actor=actor,
                action="kyc.submitted",
                target=application,
                data={"level": level, "documents": [d.kind for d in documents]},
                client_id=customer.client_id,
            )
    except IntegrityError as exc:
        _delete_files(stored)
        raise Conflict(
            "The customer already has a KYC application waiting for review.", code="kyc_pending"
        ) from exc
    except BaseException:
        _delete_files(stored)
        raise
    return application


def kyc_record_operator_change(
    *, application: KycApplication, operator: AbstractBaseUser, created: bool
) -> None:
    """Remember (and audit) that an operator typed or changed an application's data, which
    disqualifies them from approving it. Called by the admin after it saved the form."""
    fields = ["last_edited_by"]
    application.last_edited_by_id = operator.pk
    if created:
        application.created_by_id = operator.pk
        fields.append("created_by")
    KycApplication.objects.filter(pk=application.pk).update(
        **{f"{name}_id": operator.pk for name in fields}
    )
    audit_log(
        actor=AuditActor.operator(operator),
        action="kyc.created" if created else "kyc.edited",
        target=application,
        client_id=application.customer.client_id,
    )


def _locked_pending(application_id: int) -> KycApplication:
    application = (
        KycApplication.objects.select_for_update().select_related("customer").get(pk=application_id)
    )
    if application.status != KycApplication.Status.PENDING:
        raise Conflict(
            f"The application is {application.status}, not pending.", code="kyc_not_pending"
        )
    return application


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "A decision needs a reason.",
            code="reason_required",
            fields={"reason": ["This field is required."]},
        )
    return reason


def kyc_approve(
    *,
    application_id: int,
    operator: AbstractBaseUser,
    reason: str,
    now: datetime | None = None,
) -> KycApplication:
    """Approve a pending application; it stays valid for KYC_APPROVAL_VALIDITY_DAYS.

    Four eyes: the operator who created or last edited the application may not approve it
    (403 ``four_eyes``); the refused attempt is audited too.
    """
    reason = _required_reason(reason)
    now = now or timezone.now()
    actor = AuditActor.operator(operator)
    with transaction.atomic():
        application = _locked_pending(application_id)
        authors = {application.created_by_id, application.last_edited_by_id}
        refused = operator.pk in authors
        if not refused:
            application.status = KycApplication.Status.APPROVED
            application.reviewer_id = operator.pk
            application.reason = reason
            application.reviewed_at = now
            application.expires_at = now + timedelta(days=settings.KYC_APPROVAL_VALIDITY_DAYS)
            application.save(
                update_fields=["status", "reviewer", "reason", "reviewed_at", "expires_at"]
            )
            kyc_event_publish(application)
        audit_log(
            actor=actor,
            action="kyc.approval_refused" if refused else "kyc.approved",
            target=application,
            data={"reason": reason, "level": application.level}
            | ({"rule": "four_eyes"} if refused else {"expires_at": application.expires_at}),
            client_id=application.customer.client_id,
        )
    if refused:
        raise Forbidden(
            "Four eyes: you created or last edited this application, so another operator "
            "must approve it.",
            code="four_eyes",
        )
    return application


def kyc_reject(
    *,
    application_id: int,
    operator: AbstractBaseUser,
    reason: str,
    now: datetime | None = None,
) -> KycApplication:
    """Reject a pending application. Refusing is the safe direction, so any reviewer may."""
    reason = _required_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked_pending(application_id)
        application.status = KycApplication.Status.REJECTED
        application.reviewer_id = operator.pk
        application.reason = reason
        application.reviewed_at = now
        application.save(update_fields=["status", "reviewer", "reason", "reviewed_at"])
        kyc_event_publish(application)
        audit_log(
            actor=AuditActor.operator(operator),
            action="kyc.rejected",
            target=application,
            data={"reason": reason, "level": application.level},
            client_id=application.customer.client_id,
        )
    return application


def kyc_expire_due(*, now: datetime | None = None) -> int:
    """Mark approved applications past their expiry time as expired; returns how many.

    Each row flips by compare-and-set, so two workers running this at once (or a retry)
    never expire or audit the same application twice.
    """
    now = now or timezone.now()
    due = KycApplication.objects.filter(
        status=KycApplication.Status.APPROVED, expires_at__lte=now
    ).values_list("pk", "customer__client_id", "expires_at")
    expired = 0
    for application_id, client_id, expires_at in due:
        with transaction.atomic():
            flipped = KycApplication.objects.filter(
                pk=application_id, status=KycApplication.Status.APPROVED
            ).update(status=KycApplication.Status.EXPIRED)
            if flipped:
                expired += 1
                kyc_event_publish(
                    KycApplication.objects.select_related("customer").get(pk=application_id)
                )
                audit_log(
                    actor=AuditActor.system("kyc_expiry"),
                    action="kyc.expired",
                    target=KycApplication(pk=application_id),
                    data={"expires_at": expires_at},
                    client_id=client_id,
                )
    return expired
