"""Sealed secrets: seeds and private keys, stored only as envelope ciphertext."""

from __future__ import annotations

import uuid

from django.db import models


class SecretKind(models.TextChoices):
    SEED = "seed", "BIP39 mnemonic"
    PRIVATE_KEY = "private_key", "Private key"
    WEBHOOK_SECRET = "webhook_secret", "Webhook signing secret"


class SealedSecret(models.Model):
    """One secret. The columns hold ciphertext, nonces and the wrapped data key — never
    plaintext. ``public_id`` is bound into the ciphertext, so a sealed value copied onto
    another row will not open. Only metadata is shown anywhere (admin, API, logs)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=SecretKind.choices)
    label = models.CharField(max_length=200, blank=True)
    ciphertext = models.BinaryField(editable=False)
    nonce = models.BinaryField(editable=False)
    wrapped_key = models.BinaryField(editable=False)
    wrap_nonce = models.BinaryField(editable=False)
    master_key_id = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    def __repr__(self) -> str:
        return f"<SealedSecret {self.pk} {self.kind} key={self.master_key_id}>"
