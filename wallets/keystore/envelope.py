"""Sealing and unsealing one secret: AES-256-GCM with a per-secret data key, the data key
wrapped by a master key. Pure functions; the database side is in ``services``.

Both layers bind associated data: the ciphertext to the secret's public id and kind (a
ciphertext copied onto another row does not open), the wrapped data key to the secret's
id and the master key's id.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wallets.errors import KeystoreError
from wallets.keystore.master_keys import Keyring, MasterKey
from wallets.keystore.redacted import RedactedBytes

NONCE_BYTES = 12
DATA_KEY_BYTES = 32
RandomBytes = Callable[[int], bytes]


@dataclass(frozen=True)
class Envelope:
    ciphertext: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    wrapped_key: bytes = field(repr=False)
    wrap_nonce: bytes = field(repr=False)
    master_key_id: str


def _content_aad(public_id: str, kind: str) -> bytes:
    return f"lucid-secret:v1:{public_id}:{kind}".encode()


def _wrap_aad(public_id: str, key_id: str) -> bytes:
    return f"lucid-data-key:v1:{public_id}:{key_id}".encode()


def _wrap(
    data_key: bytes, *, master: MasterKey, public_id: str, random_bytes: RandomBytes
) -> tuple[bytes, bytes]:
    nonce = random_bytes(NONCE_BYTES)
    wrapped = AESGCM(master.material).encrypt(nonce, data_key, _wrap_aad(public_id, master.key_id))
    return wrapped, nonce


def _unwrap(envelope: Envelope, *, keyring: Keyring, public_id: str) -> bytes:
    master = keyring.by_id(envelope.master_key_id)
    if master is None:
        raise KeystoreError(
            f"Secret {public_id} is wrapped by master key {envelope.master_key_id}, which is "
            "not configured (add it to LUCID_MASTER_KEYS_RETIRED to read it)."
        )
    try:
        return AESGCM(master.material).decrypt(
            envelope.wrap_nonce, envelope.wrapped_key, _wrap_aad(public_id, master.key_id)
        )
    except InvalidTag:
        raise KeystoreError(
            f"The data key of secret {public_id} does not open with master key "
            f"{master.key_id} (tampered or wrong key)."
        ) from None


def seal(
    plaintext: RedactedBytes,
    *,
    keyring: Keyring,
    public_id: str,
    kind: str,
    random_bytes: RandomBytes = os.urandom,
) -> Envelope:
    data_key = random_bytes(DATA_KEY_BYTES)
    nonce = random_bytes(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext.reveal(), _content_aad(public_id, kind))
    wrapped, wrap_nonce = _wrap(
        data_key, master=keyring.current, public_id=public_id, random_bytes=random_bytes
    )
    return Envelope(ciphertext, nonce, wrapped, wrap_nonce, keyring.current.key_id)


def unseal(envelope: Envelope, *, keyring: Keyring, public_id: str, kind: str) -> RedactedBytes:
    data_key = _unwrap(envelope, keyring=keyring, public_id=public_id)
    try:
        plaintext = AESGCM(data_key).decrypt(
            envelope.nonce, envelope.ciphertext, _content_aad(public_id, kind)
        )
    except InvalidTag:
        # "from None": the cryptography exception carries nothing secret, but the chained
        # traceback's frames would hold the data key in their locals.
        raise KeystoreError(f"Secret {public_id} does not open (tampered or moved).") from None
    return RedactedBytes(plaintext)


def rewrap(
    envelope: Envelope,
    *,
    keyring: Keyring,
    public_id: str,
    random_bytes: RandomBytes = os.urandom,
) -> Envelope:
    """The same ciphertext with its data key wrapped by the current master key."""
    data_key = _unwrap(envelope, keyring=keyring, public_id=public_id)
    wrapped, wrap_nonce = _wrap(
        data_key, master=keyring.current, public_id=public_id, random_bytes=random_bytes
    )
    return Envelope(
        envelope.ciphertext, envelope.nonce, wrapped, wrap_nonce, keyring.current.key_id
    )
