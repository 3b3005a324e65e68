"""Signatures: what we produce recovers to the signer, in both clients' ``v`` forms."""

from __future__ import annotations

import hashlib

import pytest

from lucid_payments.core.errors import InvalidInput, Unprocessable
from lucid_payments.tron.addresses import is_valid
from lucid_payments.tron.signing import (
    PrivateKeySigner,
    Signer,
    recover_address,
    register_signer_source,
    signer_for,
    unregister_signer_source,
)

TXID = hashlib.sha256(b"a transaction").digest()


def test_signature_recovers_to_the_signer_in_tronpy_and_tronweb_forms() -> None:
    signer = PrivateKeySigner(b"\x01" * 32)
    assert isinstance(signer, Signer) and is_valid(signer.address)
    signature = signer.sign(TXID)
    assert len(signature) == 65 and signature[64] in (0, 1)
    assert recover_address(TXID, signature) == signer.address
    tronweb = signature[:64] + bytes([signature[64] + 27])
    assert recover_address(TXID, tronweb) == signer.address


def test_a_signature_over_another_txid_recovers_to_someone_else() -> None:
    signer = PrivateKeySigner(b"\x01" * 32)
    other = hashlib.sha256(b"another").digest()
    assert recover_address(other, signer.sign(TXID)) != signer.address


@pytest.mark.parametrize("signature", [b"", b"\x00" * 64, b"\x00" * 64 + b"\x05"])
def test_malformed_signatures_are_invalid_input(signature: bytes) -> None:
    with pytest.raises(InvalidInput):
        recover_address(TXID, signature)


def test_the_key_never_shows_in_repr() -> None:
    key = b"\x02" * 32
    assert key.hex() not in repr(PrivateKeySigner(key))


@pytest.mark.django_db  # the wallets keystore registers a source that reads the database
def test_signer_lookup_goes_through_registered_sources() -> None:
    signer = PrivateKeySigner(b"\x03" * 32)

    def source(address: str) -> Signer | None:
        return signer if address == signer.address else None

    with pytest.raises(Unprocessable):
        signer_for(signer.address)
    register_signer_source(source)
    try:
        assert signer_for(signer.address) is signer
    finally:
        unregister_signer_source(source)
