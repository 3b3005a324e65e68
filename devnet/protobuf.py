"""The few protobuf wire-format primitives the node needs (encode only).

TRON ids are hashes of protobuf bytes, so the node must produce exactly the bytes
java-tron would: proto3, fields in ascending number order, default values skipped.
"""

from __future__ import annotations

_WIRE_VARINT = 0
_WIRE_LENGTH_DELIMITED = 2
_UINT64_MASK = (1 << 64) - 1


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


# Tags and lengths are small; a table makes encoding a block's transactions much cheaper.
_SMALL_VARINTS = [_encode_varint(value) for value in range(1 << 14)]


# The low 14 bits of a larger value: two bytes, both with the continuation bit set.
_CONTINUED_14_BITS = [bytes([(low & 0x7F) | 0x80, (low >> 7) | 0x80]) for low in range(1 << 14)]


def varint(value: int) -> bytes:
    """Unsigned LEB128; negative int64 values take their 64-bit two's complement (10 bytes).

    Fourteen bits at a time from the tables: every transaction carries two millisecond
    timestamps (six bytes each), and a byte-at-a-time loop was a twentieth of admission."""
    if 0 <= value < 1 << 14:
        return _SMALL_VARINTS[value]
    value &= _UINT64_MASK
    out = b""
    while value >= 1 << 14:
        out += _CONTINUED_14_BITS[value & 0x3FFF]
        value >>= 14
    return out + _SMALL_VARINTS[value]


# Field tags for field numbers below 32 (all TRON uses in transactions and headers).
_VARINT_TAGS = [varint(number << 3 | _WIRE_VARINT) for number in range(32)]
_LENGTH_TAGS = [varint(number << 3 | _WIRE_LENGTH_DELIMITED) for number in range(32)]


# The table lookups below are `varint` inlined: every admitted transaction encodes a dozen
# fields, and the call is a measurable share of admission.
def int_field(number: int, value: int) -> bytes:
    """A varint field (int64, bool, enum); zero is the default and is not written."""
    if not value:
        return b""
    if 0 < value < 1 << 14:
        return _VARINT_TAGS[number] + _SMALL_VARINTS[value]
    return _VARINT_TAGS[number] + varint(value)


def bytes_field(number: int, value: bytes) -> bytes:
    """A length-delimited field (bytes, string, nested message); empty is not written."""
    if not value:
        return b""
    length = len(value)
    if length < 1 << 14:
        return _LENGTH_TAGS[number] + _SMALL_VARINTS[length] + value
    return _LENGTH_TAGS[number] + varint(length) + value


def message_field(number: int, value: bytes) -> bytes:
    """A nested message field: written even when the message itself is empty."""
    length = len(value)
    if length < 1 << 14:
        return _LENGTH_TAGS[number] + _SMALL_VARINTS[length] + value
    return _LENGTH_TAGS[number] + varint(length) + value
