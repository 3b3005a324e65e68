"""`Transaction.raw` on the wire: JSON ``raw_data`` -> protobuf bytes -> txid, and back.

Why we serialize ourselves instead of trusting the node's ``getsignweight`` answer: the txid
is what we sign, so it must come from the transaction *we* built. A node that returned a
different txid could otherwise make us sign a transaction we never meant to send.

Only the contract types the platform sends are supported (TRX transfer, smart-contract
calls, Stake 2.0, votes, reward withdrawal); anything else raises ``UnsupportedContract``.
The contract table (java-tron's field numbers) is ``wire_contracts``, shared with the
devnet. Proto3: zero / empty values are never written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lucid_payments.tron.wire_contracts import (
    ADDRESS,
    BOOL,
    CONTRACT_FIELDS,
    CONTRACT_NAMES,
    HEX,
    INT,
    RESOURCE,
    RESOURCE_CODES,
    TYPE_URL_PREFIX,
)

_VARINT = 0
_LENGTH_DELIMITED = 2


class RawTransactionError(ValueError):
    """The bytes or the JSON do not form a transaction we can read or write."""


class UnsupportedContract(RawTransactionError):
    pass


# --- writing ---------------------------------------------------------------------------


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def _varint(value: int) -> bytes:
    if value < 0:  # int64 two's complement, always 10 bytes on the wire
        value += 1 << 64
    if not 0 <= value < 1 << 64:
        # Out of range is refused, not wrapped: a negative beyond int64 would never reach
        # zero by shifting (an endless loop on client input).
        raise RawTransactionError("integer out of the 64-bit range")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    return b"" if value == 0 else _varint(number << 3 | _VARINT) + _varint(value)


def _bytes_field(number: int, value: bytes) -> bytes:
    if not value:
        return b""
    return _varint(number << 3 | _LENGTH_DELIMITED) + _varint(len(value)) + value


def _hex(value: Any, key: str) -> bytes:
    try:
        return bytes.fromhex(str(value))
    except ValueError as exc:
        raise RawTransactionError(f"{key} is not hex") from exc


def _int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RawTransactionError(f"{key} must be an integer")
    if not INT64_MIN <= value <= INT64_MAX:  # every integer field of Transaction is int64
        raise RawTransactionError(f"{key} is out of the int64 range")
    return value


def _contract_value(type_name: str, value: Mapping[str, Any]) -> bytes:
    try:
        _, fields = CONTRACT_FIELDS[type_name]
    except KeyError:
        raise UnsupportedContract(f"contract type {type_name!r} is not supported") from None
    known = {key for key, _, _ in fields}
    unknown = set(value) - known
    if unknown:
        raise RawTransactionError(f"{type_name} has unknown fields: {sorted(unknown)}")
    out = bytearray()
    for key, number, kind in fields:
        if key not in value or value[key] is None:
            continue
        item = value[key]
        if kind in (ADDRESS, HEX):
            out += _bytes_field(number, _hex(item, key))
        elif kind == INT:
            out += _int_field(number, _int(item, key))
        elif kind == BOOL:
            out += _int_field(number, 1 if item is True else 0)
        elif kind == RESOURCE:
            if item not in RESOURCE_CODES:
                raise RawTransactionError(f"{key} must be one of {sorted(RESOURCE_CODES)}")
            out += _int_field(number, RESOURCE_CODES[item])
        else:  # VOTES
            if not isinstance(item, list) or not all(isinstance(v, Mapping) for v in item):
                raise RawTransactionError(f"{key} must be a list of objects")
            for vote in item:
                vote_bytes = _bytes_field(1, _hex(vote.get("vote_address"), "vote_address"))
                vote_bytes += _int_field(2, _int(vote.get("vote_count"), "vote_count"))
                out += _bytes_field(number, vote_bytes)
    return bytes(out)


# The JSON keys each level may carry. Anything else is refused rather than ignored: the
# node rebuilds the transaction from the JSON, so a key we skipped would make it sign-check
# different bytes than the ones we hashed and stored.
RAW_DATA_KEYS = frozenset(
    {"contract", "ref_block_bytes", "ref_block_num", "ref_block_hash", "expiration", "data"}
    | {"scripts", "timestamp", "fee_limit"}
)
CONTRACT_KEYS = frozenset({"type", "parameter", "Permission_id"})
PARAMETER_KEYS = frozenset({"value", "type_url"})


def _only(keys: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    if not isinstance(keys, Mapping):
        raise RawTransactionError(f"{where} must be an object")
    unknown = set(keys) - allowed
    if unknown:
        raise RawTransactionError(f"{where} has unknown fields: {sorted(unknown)}")


def _contract(contract: Mapping[str, Any]) -> bytes:
    _only(contract, CONTRACT_KEYS, "contract")
    type_name = contract.get("type")
    if not isinstance(type_name, str) or type_name not in CONTRACT_FIELDS:
        raise UnsupportedContract(f"contract type {type_name!r} is not supported")
    parameter = contract.get("parameter") or {}
    _only(parameter, PARAMETER_KEYS, "contract parameter")
    type_url = parameter.get("type_url") or TYPE_URL_PREFIX + type_name
    if not isinstance(type_url, str):
        raise RawTransactionError("type_url must be a string")
    value = parameter.get("value") or {}
    if not isinstance(value, Mapping):
        raise RawTransactionError("the contract's parameter value must be an object")
    value = _contract_value(type_name, value)
    any_message = _bytes_field(1, type_url.encode()) + _bytes_field(2, value)
    return (
        _int_field(1, CONTRACT_FIELDS[type_name][0])
        + _bytes_field(2, any_message)
        + _int_field(5, _int(contract.get("Permission_id", 0), "Permission_id"))
    )


def encode_raw_data(raw_data: Mapping[str, Any]) -> bytes:
    """Serialize a ``raw_data`` JSON object (hex addresses) into ``Transaction.raw`` bytes."""
    _only(raw_data, RAW_DATA_KEYS, "raw_data")
    contracts = raw_data.get("contract")
    if not isinstance(contracts, list) or len(contracts) != 1:
        raise RawTransactionError("raw_data must hold exactly one contract")
    return b"".join(
        [
            _bytes_field(1, _hex(raw_data.get("ref_block_bytes", ""), "ref_block_bytes")),
            _int_field(3, _int(raw_data.get("ref_block_num", 0), "ref_block_num")),
            _bytes_field(4, _hex(raw_data.get("ref_block_hash", ""), "ref_block_hash")),
            _int_field(8, _int(raw_data.get("expiration", 0), "expiration")),
            _bytes_field(10, _hex(raw_data.get("data", ""), "data")),
            _bytes_field(11, _contract(contracts[0])),
            _bytes_field(12, _hex(raw_data.get("scripts", ""), "scripts")),
            _int_field(14, _int(raw_data.get("timestamp", 0), "timestamp")),
            _int_field(18, _int(raw_data.get("fee_limit", 0), "fee_limit")),
        ]
    )


def txid_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# --- reading ---------------------------------------------------------------------------


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise RawTransactionError("truncated or oversized varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs of one message; varints as int, the rest as bytes."""
    position = 0
    while position < len(data):
        key, position = _read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, position = _read_varint(data, position)
            yield number, value
        elif wire_type == _LENGTH_DELIMITED:
            length, position = _read_varint(data, position)
            if position + length > len(data):
                raise RawTransactionError("truncated field")
            yield number, data[position : position + length]
            position += length
        elif wire_type in (1, 5):  # fixed64 / fixed32: skip, we never read them
            position += 8 if wire_type == 1 else 4
        else:
            raise RawTransactionError(f"unsupported wire type {wire_type}")
    if position != len(data):
        raise RawTransactionError("truncated message")


@dataclass(frozen=True)
class RawSummary:
    """What a relay must check before passing a client-signed transaction on."""

    txid: str
    contract_type: str  # e.g. "TransferContract"; "ContractType<n>" if we do not know it
    owner_address_hex: str  # 41… lower hex
    expiration_ms: int
    timestamp_ms: int
    ref_block_bytes: str
    ref_block_hash: str


def read_raw(raw: bytes) -> RawSummary:
    """Read the fields a relay validates straight from ``Transaction.raw`` bytes."""
    expiration = timestamp = 0
    ref_bytes = ref_hash = b""
    contracts: list[bytes] = []
    for number, value in _fields(raw):
        if number == 8 and isinstance(value, int):
            expiration = value
        elif number == 14 and isinstance(value, int):
            timestamp = value
        elif number == 1 and isinstance(value, bytes):
            ref_bytes = value
        elif number == 4 and isinstance(value, bytes):
            ref_hash = value
        elif number == 11 and isinstance(value, bytes):
            contracts.append(value)
    if len(contracts) != 1:
        raise RawTransactionError("a transaction holds exactly one contract")
    type_number = 0
    any_message = b""
    for number, value in _fields(contracts[0]):
        if number == 1 and isinstance(value, int):
            type_number = value
        elif number == 2 and isinstance(value, bytes):
            any_message = value
    inner = b""
    for number, value in _fields(any_message):
        if number == 2 and isinstance(value, bytes):
            inner = value
    owner = b""
    for number, value in _fields(inner):
        if number == 1 and isinstance(value, bytes):
            owner = value
    if len(owner) != 21:
        raise RawTransactionError("the contract has no owner address")
    return RawSummary(
        txid=txid_of(raw),
        contract_type=CONTRACT_NAMES.get(type_number, f"ContractType{type_number}"),
        owner_address_hex=owner.hex(),
        expiration_ms=expiration,
        timestamp_ms=timestamp,
        ref_block_bytes=ref_bytes.hex(),
        ref_block_hash=ref_hash.hex(),
    )
