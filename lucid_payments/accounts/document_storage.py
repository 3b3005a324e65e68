"""Where KYC documents live: a private directory under MEDIA_ROOT that no URL serves.

The storage refuses to produce URLs, so no template or serializer can leak a link to an
identity document by accident; the admin streams files through a staff-only view.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from lucid_payments.accounts.document_checks import EXTENSIONS

if TYPE_CHECKING:
    from lucid_payments.accounts.models import KycDocument


class PrivateFileSystemStorage(FileSystemStorage):
    """``MEDIA_ROOT/kyc-documents``, read from the settings on every use (so a changed
    MEDIA_ROOT, as in tests, is honoured), with no URL at all."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "kyc-documents")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("KYC documents have no public URL; use the admin view.")


def kyc_document_storage() -> PrivateFileSystemStorage:
    return PrivateFileSystemStorage()


def kyc_document_path(instance: KycDocument, filename: str, **_: Any) -> str:
    """``<client>/<application>/<random>.<ext>``: the uploader's file name never reaches the
    file system (it is kept in ``original_name`` for display only)."""
    application = instance.application
    extension = EXTENSIONS.get(instance.content_type, "bin")
    return f"{application.customer.client_id}/{application.pk}/{uuid.uuid4().hex}.{extension}"
