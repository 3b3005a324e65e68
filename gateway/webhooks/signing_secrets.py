"""Endpoint signing secrets: made here, sealed by the keystore, revealed only to sign.

A secret is ``whsec_`` + base64 of 32 random bytes (the Standard Webhooks format). The
plaintext leaves this module twice: in the API answer that creates it (shown once) and to
the signer. The database holds only the keystore's envelope.
"""

from __future__ import annotations

import base64
import secrets as random_source
from datetime import datetime, timedelta

from gateway.webhooks.models import WebhookEndpoint, WebhookSecret
from wallets.keystore.redacted import RedactedBytes
from wallets.keystore.services import secret_reveal, secret_store
from wallets.models.keystore import SecretKind

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# A rotated-out secret keeps signing this long, so receivers can switch without a gap.
ROTATION_OVERLAP = timedelta(hours=24)


def secret_text(raw: bytes) -> str:
    return SECRET_PREFIX + base64.b64encode(raw).decode("ascii")


def secret_add(*, endpoint: WebhookEndpoint, now: datetime) -> str:
    """Seal a new current secret for ``endpoint`` (in the caller's transaction) and return
    its text, for the one answer that shows it."""
    raw = random_source.token_bytes(SECRET_BYTES)
    sealed = secret_store(
        kind=SecretKind.WEBHOOK_SECRET,
        plaintext=RedactedBytes(raw),
        label=f"webhook endpoint {endpoint.public_id}",
    )
    WebhookSecret.objects.create(endpoint=endpoint, sealed=sealed, created_at=now)
    return secret_text(raw)


def signing_keys(*, endpoint_id: int, now: datetime) -> list[RedactedBytes]:
    """The raw keys that sign a delivery now: the current one first, then any rotated-out
    one still inside its overlap."""
    rows = (
        WebhookSecret.objects.filter(endpoint_id=endpoint_id)
        .select_related("sealed")
        .order_by("-created_at", "-id")
    )
    return [
        secret_reveal(row.sealed) for row in rows if row.expires_at is None or row.expires_at > now
    ]
