"""Who may sign outgoing transactions, and how a signature is checked.

``Signer`` is the one interface the chain app signs through: an address and
``sign(txid) -> 65 bytes r‖s‖v``. The wallets keystore implements it (keys stay encrypted
there); ``PrivateKeySigner`` holds a raw key and exists for tests with devnet genesis keys.

Background work (re-building a transaction whose first signed copy expired) needs a signer
for an address long after the request that created it is gone, so signers are also looked
up by address through ``signer_for``; the keystore registers its lookup with
``register_signer_source`` when its app is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import base58
from coincurve import PrivateKey, PublicKey
from Crypto.Hash import keccak

from lucid_payments.core.errors import InvalidInput, Unprocessable

SIGNATURE_LENGTH = 65


@runtime_checkable
class Signer(Protocol):
    """Signs the 32-byte txid of a transaction owned by ``address`` (base58 ``T…``)."""

    @property
    def address(self) -> str: ...

    def sign(self, txid: bytes) -> bytes:
        """65 bytes: r (32) ‖ s (32) ‖ v (0 or 1)."""
        ...


def address_of_public_key(public_key: PublicKey) -> str:
    digest = keccak.new(digest_bits=256, data=public_key.format(compressed=False)[1:]).digest()
    return base58.b58encode_check(b"\x41" + digest[-20:]).decode()


class PrivateKeySigner:
    """A signer holding a raw secp256k1 key in memory. For tests and tools only."""

    def __init__(self, private_key: bytes) -> None:
        if len(private_key) != 32:
            raise ValueError("a private key is 32 bytes")
        self._key = PrivateKey(private_key)
        self._address = address_of_public_key(self._key.public_key)

    @property
    def address(self) -> str:
        return self._address

    def sign(self, txid: bytes) -> bytes:
        if len(txid) != 32:
            raise ValueError("a txid is 32 bytes")
        return bytes(self._key.sign_recoverable(txid, hasher=None))

    def __repr__(self) -> str:  # never show the key
        return f"PrivateKeySigner({self._address})"


def recover_address(txid: bytes, signature: bytes) -> str:
    """The base58 address whose key produced ``signature`` over ``txid``.

    Accepts v as 0/1 (tronpy) or 27/28 (TronWeb). Raises ``InvalidInput`` when no key can
    be recovered.
    """
    if len(signature) != SIGNATURE_LENGTH:
        raise InvalidInput(f"a signature is {SIGNATURE_LENGTH} bytes, got {len(signature)}")
    v = signature[64] - 27 if signature[64] >= 27 else signature[64]
    if v not in (0, 1):
        raise InvalidInput("the signature's recovery byte is out of range")
    try:
        public_key = PublicKey.from_signature_and_message(
            signature[:64] + bytes([v]), txid, hasher=None
        )
    except ValueError as exc:
        raise InvalidInput("the signature does not recover to any key") from exc
    return address_of_public_key(public_key)


SignerSource = Callable[[str], "Signer | None"]
_sources: list[SignerSource] = []


def register_signer_source(source: SignerSource) -> None:
    """Add a lookup ``address -> Signer | None`` (the keystore registers one at start-up)."""
    if source not in _sources:
        _sources.append(source)


def unregister_signer_source(source: SignerSource) -> None:
    if source in _sources:
        _sources.remove(source)


def signer_for(address: str) -> Signer:
    """The signer for ``address``, or ``Unprocessable`` when no source holds its key."""
    for source in _sources:
        signer = source(address)
        if signer is not None:
            return signer
    raise Unprocessable(f"no signer holds the key of {address}", code="no_signer")
