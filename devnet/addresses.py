"""TRON addresses: 21 bytes starting with 0x41, shown as base58check (T...) or hex (41...)."""

from __future__ import annotations

import base58

ADDRESS_PREFIX = 0x41
ADDRESS_LENGTH = 21


class AddressError(ValueError):
    """Raised for anything that is not a well-formed TRON address."""


def to_base58(address: bytes) -> str:
    return base58.b58encode_check(address).decode()


def to_hex(address: bytes) -> str:
    return address.hex()


def render(address: bytes, *, visible: bool) -> str:
    """The address as a real node prints it: base58check when `visible`, else lower hex."""
    return to_base58(address) if visible else address.hex()


def parse(text: object) -> bytes:
    """Accept either form (base58check or 41-prefixed hex, any case) and return 21 bytes."""
    if not isinstance(text, str) or not text:
        raise AddressError("Invalid address")
    if len(text) == 34 and text[0] == "T":
        try:
            raw = base58.b58decode_check(text)
        except ValueError as exc:
            raise AddressError("Invalid address") from exc
    elif len(text) == 2 * ADDRESS_LENGTH:
        try:
            raw = bytes.fromhex(text)
        except ValueError as exc:
            raise AddressError("Invalid address") from exc
    else:
        raise AddressError("Invalid address")
    if len(raw) != ADDRESS_LENGTH or raw[0] != ADDRESS_PREFIX:
        raise AddressError("Invalid address")
    return raw


def word_to_address(word: bytes) -> bytes:
    """The 21-byte address held in the low 20 bytes of a 32-byte ABI word."""
    return bytes([ADDRESS_PREFIX]) + word[-20:]
