"""Storing and reading sealed secrets, and moving them to the current master key."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wallets.keystore.envelope import Envelope, rewrap, seal, unseal
from wallets.keystore.master_keys import get_keyring
from wallets.keystore.redacted import RedactedBytes
from wallets.models.keystore import SealedSecret, SecretKind


def _envelope(secret: SealedSecret) -> Envelope:
    return Envelope(
        ciphertext=bytes(secret.ciphertext),
        nonce=bytes(secret.nonce),
        wrapped_key=bytes(secret.wrapped_key),
        wrap_nonce=bytes(secret.wrap_nonce),
        master_key_id=secret.master_key_id,
    )


def secret_store(*, kind: SecretKind, plaintext: RedactedBytes, label: str = "") -> SealedSecret:
    """Seal ``plaintext`` under the current master key and save it."""
    secret = SealedSecret(kind=kind, label=label)
    envelope = seal(plaintext, keyring=get_keyring(), public_id=str(secret.public_id), kind=kind)
    secret.ciphertext = envelope.ciphertext
    secret.nonce = envelope.nonce
    secret.wrapped_key = envelope.wrapped_key
    secret.wrap_nonce = envelope.wrap_nonce
    secret.master_key_id = envelope.master_key_id
    secret.save()
    return secret


def secret_reveal(secret: SealedSecret) -> RedactedBytes:
    """The plaintext, for the caller that signs or derives with it. Keep it local."""
    return unseal(
        _envelope(secret), keyring=get_keyring(), public_id=str(secret.public_id), kind=secret.kind
    )


def secret_rewrap(*, secret_id: int) -> bool:
    """Wrap one secret's data key with the current master key; False if it already was.

    Locks the row, so a concurrent rotation run or a concurrent reader never sees a half
    written envelope; the ciphertext itself does not change.
    """
    keyring = get_keyring()
    with transaction.atomic():
        secret = SealedSecret.objects.select_for_update().get(pk=secret_id)
        if secret.master_key_id == keyring.current.key_id:
            return False
        envelope = rewrap(_envelope(secret), keyring=keyring, public_id=str(secret.public_id))
        secret.wrapped_key = envelope.wrapped_key
        secret.wrap_nonce = envelope.wrap_nonce
        secret.master_key_id = envelope.master_key_id
        secret.rewrapped_at = timezone.now()
        secret.save(update_fields=["wrapped_key", "wrap_nonce", "master_key_id", "rewrapped_at"])
    return True


def secrets_not_on_current_key() -> list[int]:
    """Ids of secrets whose data key is still wrapped by an older master key."""
    current = get_keyring().current.key_id
    return list(
        SealedSecret.objects.exclude(master_key_id=current)
        .order_by("id")
        .values_list("id", flat=True)
    )
