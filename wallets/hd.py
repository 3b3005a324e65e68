"""Hierarchical deterministic keys: one BIP39 mnemonic, BIP44 paths m/44'/195'/account'/0/index.

Everything here is a pure function of the mnemonic, so any address the platform ever
handed out can be re-derived from the seed alone (e.g. restored from its backup into
another wallet application that follows BIP44 for TRON, coin type 195).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from bip_utils import (
    Bip39MnemonicGenerator,
    Bip39SeedGenerator,
    Bip44,
    Bip44Changes,
    Bip44Coins,
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


def derive(mnemonic: RedactedBytes, *, account: int, index: int) -> DerivedKey:
    """The key and address at m/44'/195'/account'/0/index."""
    if not (0 <= account <= MAX_INDEX and 0 <= index <= MAX_INDEX):
        raise InvalidInput("Derivation indexes are 0 to 2^31-1.", code="invalid_derivation")
    seed = Bip39SeedGenerator(mnemonic.reveal().decode()).Generate()
    node = (
        Bip44.FromSeed(seed, Bip44Coins.TRON)
        .Purpose()
        .Coin()
        .Account(account)
        .Change(Bip44Changes.CHAIN_EXT)
        .AddressIndex(index)
    )
    return DerivedKey(
        path=derivation_path(account, index),
        address=node.PublicKey().ToAddress(),
        private_key=RedactedBytes(node.PrivateKey().Raw().ToBytes()),
    )
