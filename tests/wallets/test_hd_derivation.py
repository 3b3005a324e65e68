"""BIP39/BIP44 derivation for TRON is standard and reproducible from the seed alone."""

from __future__ import annotations

import hashlib
import hmac

import base58
import pytest
from bip_utils import Bip39SeedGenerator, Bip44, Bip44Coins
from coincurve import PrivateKey
from Crypto.Hash import keccak

from wallets.hd import (
    account_public_key,
    address_from_account_public_key,
    derivation_path,
    derive,
    mnemonic_generate,
)
from wallets.keystore.redacted import RedactedBytes

# The BIP39 test mnemonic; its TRON address at m/44'/195'/0'/0/0 is the one TronLink and
# other BIP44 wallets show for it.
TEST_MNEMONIC = RedactedBytes(
    b"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)
KNOWN_FIRST_ADDRESS = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _independent_derivation(mnemonic: bytes, path: list[int]) -> bytes:
    """BIP39 seed + BIP32 CKDpriv written out from the specs, to check bip-utils against."""
    seed = hashlib.pbkdf2_hmac("sha512", mnemonic, b"mnemonic", 2048)
    digest = hmac.new(b"Bitcoin seed", seed, hashlib.sha512).digest()
    key, chain = digest[:32], digest[32:]
    for child in path:
        if child >= 2**31:
            data = b"\x00" + key + child.to_bytes(4, "big")
        else:
            data = PrivateKey(key).public_key.format(compressed=True) + child.to_bytes(4, "big")
        digest = hmac.new(chain, data, hashlib.sha512).digest()
        key = (int.from_bytes(digest[:32], "big") + int.from_bytes(key, "big")) % SECP256K1_ORDER
        key = key.to_bytes(32, "big")
        chain = digest[32:]
    return key


def _address(private_key: bytes) -> str:
    public = PrivateKey(private_key).public_key.format(compressed=False)[1:]
    return base58.b58encode_check(
        b"\x41" + keccak.new(digest_bits=256, data=public).digest()[-20:]
    ).decode()


def test_the_bip39_test_mnemonic_derives_the_known_tron_address() -> None:
    assert derive(TEST_MNEMONIC, account=0, index=0).address == KNOWN_FIRST_ADDRESS


def test_derivation_matches_an_independent_bip32_implementation() -> None:
    hardened = 2**31
    for account, index in [(0, 0), (0, 1), (3, 7)]:
        path = [44 + hardened, 195 + hardened, account + hardened, 0, index]
        expected_key = _independent_derivation(TEST_MNEMONIC.reveal(), path)
        derived = derive(TEST_MNEMONIC, account=account, index=index)
        assert derived.private_key.reveal() == expected_key
        assert derived.address == _address(expected_key)
        assert derived.path == derivation_path(account, index) == f"m/44'/195'/{account}'/0/{index}"


def test_a_new_mnemonic_has_24_words_and_comes_from_the_injected_randomness() -> None:
    mnemonic = mnemonic_generate(lambda n: b"\x00" * n)
    words = mnemonic.reveal().decode().split()
    assert len(words) == 24
    assert words[:3] == ["abandon", "abandon", "abandon"]
    assert "abandon" not in repr(mnemonic)


def test_the_account_public_key_derives_the_addresses_the_private_path_derives() -> None:
    for account in (0, 3):
        extended = account_public_key(TEST_MNEMONIC, account=account)
        assert extended.startswith("xpub")
        for index in (0, 1, 2, 19, 1000, 2**31 - 1):
            expected = derive(TEST_MNEMONIC, account=account, index=index).address
            assert address_from_account_public_key(extended, index=index) == expected
    first = address_from_account_public_key(account_public_key(TEST_MNEMONIC, account=0), index=0)
    assert first == KNOWN_FIRST_ADDRESS


def test_only_an_account_level_public_key_is_accepted() -> None:
    extended = account_public_key(TEST_MNEMONIC, account=0)
    with pytest.raises(ValueError, match="account-level"):
        address_from_account_public_key(extended[:-1] + "x", index=0)
    coin_level = (  # m/44'/195' of the same mnemonic: one level too high
        "xpub6AmukNpN4yyVGhtfLdkFSbQuLzNBnEXg6Cpc88AGpboZzy3exPAWoADSsd5GGqNkoxyjBQposb86RoZUNN"
        "yXf8kk75QA6AXFUbhChRZoAY2"
    )
    with pytest.raises(ValueError, match="account-level"):
        address_from_account_public_key(coin_level, index=0)
    seed = Bip39SeedGenerator(TEST_MNEMONIC.reveal().decode()).Generate()
    private = Bip44.FromSeed(seed, Bip44Coins.TRON).Purpose().Coin().Account(0)
    with pytest.raises(ValueError, match="account-level"):  # an xprv is never accepted
        address_from_account_public_key(private.PrivateKey().ToExtended(), index=0)
