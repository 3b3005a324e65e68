"""TRON addresses at the platform's edge: base58check ``T…`` is the canonical form we
store and show; 21-byte hex ``41…`` (what the node sends with ``visible:false``) is
accepted and converted."""

from __future__ import annotations

import base58

from lucid_payments.core.errors import InvalidInput

ADDRESS_PREFIX = 0x41
ADDRESS_BYTES = 21


def _decode(text: str) -> bytes | None:
    """The 21 address bytes of ``text`` in either form, or None if it is not an address."""
    if len(text) == 34 and text.startswith("T"):
        try:
            raw = base58.b58decode_check(text)
        except ValueError:
            return None
    elif len(text) == 2 * ADDRESS_BYTES:
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            return None
    else:
        return None
    if len(raw) != ADDRESS_BYTES or raw[0] != ADDRESS_PREFIX:
        return None
    return raw


def is_valid(text: object) -> bool:
    return isinstance(text, str) and _decode(text.strip()) is not None


def normalize_address(text: object) -> str:
    """Base58check form of ``text`` (``T…`` or ``41…`` hex); ``InvalidInput`` otherwise."""
    raw = _decode(text.strip()) if isinstance(text, str) else None
    if raw is None:
        raise InvalidInput(
            "Not a TRON address: expected base58check T… (34 chars) or hex 41… (42 chars).",
            code="invalid_address",
            fields={"address": ["Not a valid TRON address."]},
        )
    return base58.b58encode_check(raw).decode()


def to_hex(text: str) -> str:
    """Lower hex ``41…`` of an address in either form."""
    return base58.b58decode_check(normalize_address(text)).hex()


# hex -> base58 of addresses seen recently. The scanner converts the same addresses
# (watched ones, token contracts, hot senders) over and over, and base58 is pure-Python
# big-integer arithmetic. Cleared when full rather than LRU: cheap and good enough.
_BASE58_CACHE: dict[str, str] = {}
_BASE58_CACHE_SIZE = 200_000


def hex_to_base58(address_hex: str) -> str:
    """Base58check of a ``41…`` hex address the node sent (trusted, so no re-validation)."""
    text = _BASE58_CACHE.get(address_hex)
    if text is None:
        text = base58.b58encode_check(bytes.fromhex(address_hex)).decode()
        remember_address(address_hex, text)
    return text


def remember_address(address_hex: str, address_base58: str) -> None:
    """Prime the conversion cache with a pair we already have (the watch list)."""
    if len(_BASE58_CACHE) >= _BASE58_CACHE_SIZE:
        _BASE58_CACHE.clear()
    _BASE58_CACHE[address_hex] = address_base58


def base58_to_hex(address: str) -> str:
    """Lower hex of an address already known valid (e.g. read back from our tables)."""
    return base58.b58decode_check(address).hex()
