"""Solidity ABI words for the devnet's built-in contracts.

Only the static types a TRC20 token needs (address, uint256, uint8, bool) plus the dynamic
`string` used by `name()`, `symbol()` and the `Error(string)` revert payload.
Addresses inside ABI words are the 20-byte EVM form (no 0x41 prefix).
"""

from __future__ import annotations

from functools import lru_cache

from Crypto.Hash import keccak

WORD = 32
UINT256_MAX = (1 << 256) - 1
TRON_ADDRESS_PREFIX = b"\x41"


class AbiDecodeError(ValueError):
    """Calldata does not hold the words a function expects."""


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


# Hashing a signature costs more than executing a token transfer; the set is small.
@lru_cache(maxsize=1024)
def selector(signature: str) -> bytes:
    """First 4 bytes of keccak256 of a canonical signature such as `transfer(address,uint256)`.

    Any text is hashed as java-tron hashes a `function_selector` (`String.getBytes()`: UTF-8,
    an unpaired surrogate as `?`); a selector no contract has then reverts like any other.
    """
    return keccak256(signature.encode("utf-8", "replace"))[:4]


@lru_cache(maxsize=256)
def event_topic(signature: str) -> bytes:
    """topics[0] of a non-anonymous event: the full keccak256 of its canonical signature."""
    return keccak256(signature.encode("ascii"))


def encode_uint(value: int) -> bytes:
    if not 0 <= value <= UINT256_MAX:
        raise ValueError(f"uint256 out of range: {value}")
    return value.to_bytes(WORD, "big")


def encode_bool(value: bool) -> bytes:
    return encode_uint(1 if value else 0)


def encode_address(tron_address: bytes) -> bytes:
    """A 21-byte TRON address (0x41 ‖ 20 bytes) as a left-padded ABI word."""
    return evm_address(tron_address).rjust(WORD, b"\x00")


def encode_string(text: str) -> bytes:
    """A lone dynamic `string` return value: offset word, length word, padded UTF-8 bytes."""
    raw = text.encode("utf-8")
    padded = raw + b"\x00" * (-len(raw) % WORD)
    return encode_uint(WORD) + encode_uint(len(raw)) + padded


def encode_error(message: str) -> bytes:
    """The revert payload Solidity's `require(cond, message)` produces: Error(string)."""
    return selector("Error(string)") + encode_string(message)


def decode_error(payload: bytes) -> str | None:
    """The message of an Error(string) revert payload, or None when it is not one."""
    if payload[:4] != selector("Error(string)") or len(payload) < 4 + 2 * WORD:
        return None
    body = payload[4:]
    offset = int.from_bytes(body[:WORD], "big")
    if offset + WORD > len(body):
        return None
    length = int.from_bytes(body[offset : offset + WORD], "big")
    text = body[offset + WORD : offset + WORD + length]
    if len(text) != length:
        return None
    return text.decode("utf-8", errors="replace")


def evm_address(tron_address: bytes) -> bytes:
    """The 20-byte EVM form of a 21-byte TRON address."""
    if len(tron_address) != 21 or tron_address[:1] != TRON_ADDRESS_PREFIX:
        raise ValueError("a TRON address is 21 bytes starting with 0x41")
    return tron_address[1:]


def tron_address(evm: bytes) -> bytes:
    """The 21-byte TRON form of a 20-byte EVM address."""
    if len(evm) != 20:
        raise ValueError("an EVM address is 20 bytes")
    return TRON_ADDRESS_PREFIX + evm


def read_words(args: bytes, count: int) -> list[bytes]:
    """The first `count` 32-byte words of ABI-encoded arguments; trailing bytes are ignored,
    as the Solidity decoder ignores them."""
    if len(args) < count * WORD:
        raise AbiDecodeError(f"expected {count} ABI words, got {len(args)} bytes")
    return [args[i * WORD : (i + 1) * WORD] for i in range(count)]


def word_to_uint(word: bytes) -> int:
    return int.from_bytes(word, "big")


def word_to_address(word: bytes) -> bytes:
    """The TRON address held by an ABI address word.

    The upper 12 bytes must be zero, except that some TRON clients leave the 0x41 prefix in
    byte 11; both are read as the low 20 bytes, anything else is malformed calldata.
    """
    head = word[:12]
    if head not in (bytes(12), bytes(11) + TRON_ADDRESS_PREFIX):
        raise AbiDecodeError("address word has dirty upper bytes")
    return tron_address(word[12:])
