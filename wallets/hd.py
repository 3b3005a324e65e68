"""Hierarchical deterministic keys: one BIP39 mnemonic, BIP44 paths m/44'/195'/account'/0/index.

Everything here is a pure function of the mnemonic, so any address the platform ever
handed out can be re-derived from the seed alone (e.g. restored from its backup into
another wallet application that follows BIP44 for TRON, coin type 195).

Only the account level is hardened; the change and index levels below it are not, so an
account's addresses also follow from its extended public key (BIP32 public derivation).
Creating an address then needs neither the mnemonic (PBKDF2 over 2,048 rounds to the seed,
five private derivations from the root) nor any private key in memory; signing still
derives the private key from the mnemonic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from bip_utils import (
    Base58ChecksumError,
    Bip32KeyError,
    Bip39MnemonicGenerator,
    Bip39SeedGenerator,
    Bip44,
    Bip44Changes,
    Bip44Coins,
    Bip44DepthError,
    Bip44Levels,
)

from lucid_payments.core.errors import InvalidInput
from wallets.keystore.redacted import RedactedBytes

TRON_COIN_TYPE = 195
MNEMONIC_ENTROPY_BYTES = 32  # 24 words
MAX_INDEX = 2**31 - 1  # non-hardened child numbers


@dataclass(frozen=True)
class DerivedKey:
    path: str
    address: str
    private_key: RedactedBytes = field(repr=False)


def derivation_path(account: int, index: int) -> str:
    return f"m/44'/{TRON_COIN_TYPE}'/{account}'/0/{index}"


def mnemonic_generate(random_bytes: Callable[[int], bytes] = os.urandom) -> RedactedBytes:
    """A new 24-word English mnemonic (UTF-8 bytes), from 256 bits of randomness."""
    entropy = random_bytes(MNEMONIC_ENTROPY_BYTES)
    return RedactedBytes(str(Bip39MnemonicGenerator().FromEntropy(entropy)).encode())


def _account_node(mnemonic: RedactedBytes, account: int) -> Bip44:
    seed = Bip39SeedGenerator(mnemonic.reveal().decode()).Generate()
    return Bip44.FromSeed(seed, Bip44Coins.TRON).Purpose().Coin().Account(account)


def _check_indexes(account: int, index: int) -> None:
    if not (0 <= account <= MAX_INDEX and 0 <= index <= MAX_INDEX):
        raise InvalidInput("Derivation indexes are 0 to 2^31-1.", code="invalid_derivation")


def account_public_key(mnemonic: RedactedBytes, *, account: int) -> str:
    """The extended public key (``xpub…``) of m/44'/195'/account'.

    Not a secret (it cannot sign), but it links every address of the account to the
    others, so it is kept like the account's address list: never in an API answer."""
    _check_indexes(account, 0)
    return str(_account_node(mnemonic, account).PublicKey().ToExtended())


def address_from_account_public_key(extended: str, *, index: int) -> str:
    """The address at …/0/index of the account whose extended public key is ``extended``:
    the same address ``derive`` gives for that account and index. A private extended key
    is refused: none is ever stored for this."""
    _check_indexes(0, index)
    try:
        node = Bip44.FromExtendedKey(extended, Bip44Coins.TRON)
    except (Base58ChecksumError, Bip32KeyError, Bip44DepthError, ValueError) as error:
        raise ValueError("Not an account-level extended public key.") from error
    if node.Level() != Bip44Levels.ACCOUNT or not node.IsPublicOnly():
        raise ValueError("Not an account-level extended public key.")
    return str(node.Change(Bip44Changes.CHAIN_EXT).AddressIndex(index).PublicKey().ToAddress())


def derive(mnemonic: RedactedBytes, *, account: int, index: int) -> DerivedKey:
    """The key and address at m/44'/195'/account'/0/index."""
    _check_indexes(account, index)
    node = _account_node(mnemonic, account).Change(Bip44Changes.CHAIN_EXT).AddressIndex(index)
    return DerivedKey(
        path=derivation_path(account, index),
        address=node.PublicKey().ToAddress(),
        private_key=RedactedBytes(node.PrivateKey().Raw().ToBytes()),
    )
