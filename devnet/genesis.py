"""Deterministic keys for a devnet: genesis accounts and witnesses derive from `--seed`.

The token address does not depend on the seed, so configuration that names it keeps working
across chains.
"""

from __future__ import annotations

from dataclasses import dataclass

from devnet.addresses import to_base58
from devnet.crypto import address_of_private_key, keccak256, sha256

GENESIS_ACCOUNT_COUNT = 10
GENESIS_BALANCE_SUN = 1_000_000 * 1_000_000  # 1M TRX each
WITNESS_COUNT = 27  # as many super representatives as mainnet; they take turns

TOKEN_NAME = "Tether USD"
TOKEN_SYMBOL = "USDT"
TOKEN_DECIMALS = 6
TOKEN_TOTAL_SUPPLY = 100_000_000_000 * 10**TOKEN_DECIMALS  # 100 billion USDT

# 0x41 || keccak256("lucid-payments devnet USDT")[-20:], fixed so that it never moves.
TOKEN_ADDRESS_BYTES = b"\x41" + keccak256(b"lucid-payments devnet USDT")[-20:]
TOKEN_ADDRESS = to_base58(TOKEN_ADDRESS_BYTES)  # == devnet.TOKEN_ADDRESS


@dataclass(frozen=True)
class KeyPair:
    private_key: bytes
    address: bytes

    @property
    def base58(self) -> str:
        return to_base58(self.address)


def _key(seed: int, role: str, index: int) -> KeyPair:
    private_key = sha256(f"lucid-devnet/{seed}/{role}/{index}".encode())
    return KeyPair(private_key, address_of_private_key(private_key))


def genesis_accounts(seed: int) -> list[KeyPair]:
    """Funded accounts; the first one issued the token and holds its whole supply."""
    return [_key(seed, "account", i) for i in range(GENESIS_ACCOUNT_COUNT)]


def witnesses(seed: int) -> list[KeyPair]:
    return [_key(seed, "witness", i) for i in range(WITNESS_COUNT)]
