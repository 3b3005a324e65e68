"""Hashes and secp256k1 keys, the TRON way (keccak addresses, 65-byte r||s||v signatures)."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from coincurve import PrivateKey, PublicKey
from coincurve._libsecp256k1 import ffi, lib
from coincurve.context import GLOBAL_CONTEXT
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


_UNCOMPRESSED = 0x0002  # SECP256K1_EC_UNCOMPRESSED (secp256k1.h)


def recover_address(digest: bytes, signature: bytes) -> bytes:
    """The address whose key made `signature` over `digest`.

    Accepts v as 0/1 (tronpy) or 27/28 (TronWeb). Every broadcast pays for this, so it talks
    to libsecp256k1 through coincurve's cffi binding directly (parse, recover, serialize: no
    intermediate key objects) and remembers the address of each key it has seen.
    """
    if len(signature) != 65:
        raise SignatureError(f"Signature size is {len(signature)}")
    v = signature[64]
    if v >= 27:
        v -= 27
    if v not in (0, 1):
        raise SignatureError("Header byte out of range")
    if len(digest) != 32:
        raise SignatureError("Invalid signature")
    context = GLOBAL_CONTEXT.ctx
    parsed = ffi.new("secp256k1_ecdsa_recoverable_signature *")
    if not lib.secp256k1_ecdsa_recoverable_signature_parse_compact(
        context, parsed, signature[:64], v
    ):
        raise SignatureError("Invalid signature")
    public_key = ffi.new("secp256k1_pubkey *")
    if not lib.secp256k1_ecdsa_recover(context, public_key, parsed, digest):
        raise SignatureError("Invalid signature")
    serialized = ffi.new("unsigned char[65]")
    length = ffi.new("size_t *", 65)
    lib.secp256k1_ec_pubkey_serialize(context, serialized, length, public_key, _UNCOMPRESSED)
    return _address_of_uncompressed(bytes(ffi.buffer(serialized, 65)))


@lru_cache(maxsize=65_536)
def _address_of_uncompressed(public_key: bytes) -> bytes:
    """0x41 || last 20 bytes of keccak256(X || Y); the same few senders sign most transactions."""
    return bytes([ADDRESS_PREFIX]) + keccak256(public_key[1:])[-20:]
