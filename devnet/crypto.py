"""Hashes and secp256k1 keys, the TRON way (keccak addresses, 65-byte r||s||v signatures)."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from coincurve import PrivateKey, PublicKey
from Crypto.Hash import keccak

from devnet.addresses import ADDRESS_PREFIX


class SignatureError(ValueError):
    """A signature that cannot be parsed or from which no key can be recovered."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def address_of_public_key(public_key: PublicKey) -> bytes:
    """0x41 || the last 20 bytes of keccak256 of the uncompressed key without its 04 prefix."""
    return bytes([ADDRESS_PREFIX]) + keccak256(public_key.format(compressed=False)[1:])[-20:]


def address_of_private_key(private_key: bytes) -> bytes:
    return address_of_public_key(PrivateKey(private_key).public_key)


@lru_cache(maxsize=256)
def _signing_key(private_key: bytes) -> PrivateKey:
    # Deriving the key object costs more than signing; the node signs with few keys.
    return PrivateKey(private_key)


def sign_digest(private_key: bytes, digest: bytes) -> bytes:
    """65 bytes r||s||v with v in {0, 1}, as tronpy produces."""
    return _signing_key(private_key).sign_recoverable(digest, hasher=None)


def recover_address(digest: bytes, signature: bytes) -> bytes:
    """The address whose key made `signature` over `digest`.

    Accepts v as 0/1 (tronpy) or 27/28 (TronWeb).
    """
    if len(signature) != 65:
        raise SignatureError(f"Signature size is {len(signature)}")
    v = signature[64]
    if v >= 27:
        v -= 27
    if v not in (0, 1):
        raise SignatureError("Header byte out of range")
    try:
        public_key = PublicKey.from_signature_and_message(
            signature[:64] + bytes([v]), digest, hasher=None
        )
    except ValueError as exc:
        raise SignatureError("Invalid signature") from exc
    return address_of_public_key(public_key)
