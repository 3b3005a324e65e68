"""The checks every KYC document passes before it is stored: size and real type.

The type a client declares is only a claim. What we accept, store and later stream to
operators is decided by the file's own signature (its first bytes), and the declared
type must agree with it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files import File

# Signature → MIME type, for the formats we know how to recognise.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)

EXTENSIONS: dict[str, str] = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}

_HEAD_BYTES = max(len(signature) for signature, _ in _SIGNATURES)


class DocumentRejected(ValueError):
    """The file may not be stored; ``str(exc)`` says why, for the client."""


def sniff_content_type(head: bytes) -> str | None:
    """The MIME type whose signature ``head`` starts with, or ``None``."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _read_head(file: File[Any]) -> bytes:
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def check_document(file: File[Any], *, declared_type: str | None) -> str:
    """Return the document's real content type, or raise ``DocumentRejected``.

    ``declared_type`` is what the uploader claimed (``None`` when nothing was claimed, as in
    the admin); when given it must match the sniffed type.
    """
    limit: int = settings.KYC_DOCUMENT_MAX_BYTES
    allowed: tuple[str, ...] = tuple(settings.KYC_DOCUMENT_CONTENT_TYPES)
    size = file.size or 0
    if size == 0:
        raise DocumentRejected("The file is empty.")
    if size > limit:
        raise DocumentRejected(f"The file is {size} bytes; the limit is {limit} bytes.")
    sniffed = sniff_content_type(_read_head(file))
    if sniffed is None or sniffed not in allowed:
        raise DocumentRejected(f"The file's content is not one of: {', '.join(allowed)}.")
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared and declared != sniffed:
        raise DocumentRejected(f"The file is declared as {declared} but its content is {sniffed}.")
    return sniffed
