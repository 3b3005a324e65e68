"""Transaction JSON <-> protobuf bytes, for the contract types the devnet executes.

The txID is sha256 of `Transaction.raw` serialized, so the node rebuilds those bytes from the
`raw_data` JSON a client sends (like java-tron, it ignores any `raw_data_hex` it is given) and
keeps a canonical hex-form copy of `raw_data` to serve back. The contract table (java-tron's
field numbers) is the platform's own, `lucid_payments.tron.wire_contracts`: the devnet and
the platform's codec cannot disagree on it. That module is plain Python (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from devnet import protobuf as pb
from devnet.addresses import AddressError, parse, render
from devnet.crypto import sha256
from devnet.errors import PARSE_EXCEPTION, JavaException
from devnet.java_input import JavaNumberError, int64_value
from lucid_payments.tron.wire_contracts import (
    ADDRESS,
    BOOL,
    HEX,
    INT,
    RESOURCE,
    RESOURCE_CODES,
    TYPE_URL_PREFIX,
    VOTES,
)
from lucid_payments.tron.wire_contracts import CONTRACT_FIELDS as CONTRACT_SCHEMAS

RESOURCE_NAMES = {code: name for name, code in RESOURCE_CODES.items()}


def contract_entry(type_name: str, value: dict[str, Any]) -> dict[str, Any]:
    """One element of ``raw_data.contract`` as the node's create* endpoints build it
    (standard type URL, no Permission_id): the transactions the node and the faucet make."""
    return {
        "parameter": {"value": value, "type_url": TYPE_URL_PREFIX + type_name},
        "type": type_name,
    }


def transfer_contract_entry(owner: bytes, to: bytes, amount: int) -> dict[str, Any]:
    """A TRX transfer of ``amount`` SUN between two 21-byte addresses, as a contract entry."""
    value = {"owner_address": owner.hex(), "to_address": to.hex(), "amount": amount}
    return contract_entry("TransferContract", value)


class TransactionFormatError(JavaException, ValueError):
    """The JSON is not a transaction the node can parse: answered as java-tron's JsonFormat
    ParseException wherever it is raised (node-built transactions included)."""

    def __init__(self, message: str) -> None:
        super().__init__(PARSE_EXCEPTION, message)


@dataclass(frozen=True)
class Contract:
    """The one contract of a transaction, with fields decoded to Python values.

    Addresses are 21-byte `bytes`, `data` is `bytes`, `resource` is "BANDWIDTH"/"ENERGY"/...,
    `votes` is a list of (address, count); absent fields hold their proto3 default.
    """

    type_name: str
    fields: dict[str, Any]
    permission_id: int

    def address(self, name: str) -> bytes:
        value = self.fields.get(name, b"")
        assert isinstance(value, bytes)
        return value

    def integer(self, name: str) -> int:
        value = self.fields.get(name, 0)
        assert isinstance(value, int)
        return value


@dataclass(frozen=True)
class RawTransaction:
    """A parsed `Transaction.raw` with its protobuf bytes and id."""

    raw_bytes: bytes
    txid: str
    contract: Contract
    type_url: str
    ref_block_bytes: bytes
    ref_block_hash: bytes
    expiration: int
    timestamp: int
    fee_limit: int
    ref_block_num: int = 0
    memo: bytes = b""
    scripts: bytes = b""

    @cached_property
    def raw_data(self) -> dict[str, Any]:
        """Canonical hex-form JSON, built on first use: admission never needs it, so a busy
        chain pays for it only when a block is first served."""
        contract_json: dict[str, Any] = {
            "parameter": {
                "value": contract_value_json(self.contract, visible=False),
                "type_url": self.type_url,
            },
            "type": self.contract.type_name,
        }
        if self.contract.permission_id:
            contract_json["Permission_id"] = self.contract.permission_id
        canonical: dict[str, Any] = {}
        if self.memo:
            canonical["data"] = self.memo.hex()
        canonical["contract"] = [contract_json]
        if self.ref_block_bytes:
            canonical["ref_block_bytes"] = self.ref_block_bytes.hex()
        if self.ref_block_num:
            canonical["ref_block_num"] = self.ref_block_num
        if self.ref_block_hash:
            canonical["ref_block_hash"] = self.ref_block_hash.hex()
        if self.expiration:
            canonical["expiration"] = self.expiration
        if self.scripts:
            canonical["scripts"] = self.scripts.hex()
        if self.fee_limit:
            canonical["fee_limit"] = self.fee_limit
        if self.timestamp:
            canonical["timestamp"] = self.timestamp
        return canonical


def _int(value: object, name: str) -> int:
    try:
        return int64_value(value)
    except JavaNumberError as exc:
        raise TransactionFormatError(f"Couldn't parse integer: {exc}") from exc


def _bool(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise TransactionFormatError(f"Expected a boolean for {name}, got {value!r}")


def _hex(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise TransactionFormatError(f"Expected hex for {name}, got {value!r}")
    text = value[2:] if value.startswith(("0x", "0X")) else value
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise TransactionFormatError(f"Invalid hex for {name}: {value!r}") from exc


def _address(value: object, name: str) -> bytes:
    try:
        return parse(value)
    except AddressError as exc:
        raise TransactionFormatError(f"Invalid address for {name}: {value!r}") from exc


def _resource(value: object, name: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value in RESOURCE_NAMES:
        return RESOURCE_NAMES[value]
    if isinstance(value, str) and value in RESOURCE_CODES:
        return value
    raise TransactionFormatError(f"Unknown enum value for {name}: {value!r}")


def _votes(value: object, name: str) -> list[tuple[bytes, int]]:
    if not isinstance(value, list):
        raise TransactionFormatError(f"Expected a list for {name}")
    votes = []
    for vote in value:
        if not isinstance(vote, dict):
            raise TransactionFormatError(f"Expected an object in {name}")
        votes.append(
            (
                _address(vote.get("vote_address", ""), "vote_address"),
                _int(vote.get("vote_count", 0), "vote_count"),
            )
        )
    return votes


_PARSERS = {
    ADDRESS: _address,
    INT: _int,
    BOOL: _bool,
    HEX: _hex,
    RESOURCE: _resource,
    VOTES: _votes,
}


def _encode_value(number: int, kind: str, value: Any) -> bytes:
    if kind == ADDRESS or kind == HEX:
        return pb.bytes_field(number, value)
    if kind == RESOURCE:
        return pb.int_field(number, RESOURCE_CODES[value])
    if kind == VOTES:
        return b"".join(
            pb.message_field(number, pb.bytes_field(1, address) + pb.int_field(2, count))
            for address, count in value
        )
    return pb.int_field(number, int(value))


def _json_value(kind: str, value: Any, *, visible: bool) -> Any:
    if kind == ADDRESS:
        return render(value, visible=visible)
    if kind == HEX:
        return value.hex()
    if kind == VOTES:
        return [
            {"vote_address": render(address, visible=visible), "vote_count": count}
            if count
            else {"vote_address": render(address, visible=visible)}
            for address, count in value
        ]
    return value


def _is_default(kind: str, value: Any) -> bool:
    if kind == RESOURCE:
        return bool(value == "BANDWIDTH")
    return not value


def contract_value_json(contract: Contract, *, visible: bool) -> dict[str, Any]:
    """`parameter.value` as a node prints it (defaults omitted)."""
    _, schema = CONTRACT_SCHEMAS[contract.type_name]
    out: dict[str, Any] = {}
    for name, _number, kind in schema:
        value = contract.fields.get(name)
        if value is None or _is_default(kind, value):
            continue
        out[name] = _json_value(kind, value, visible=visible)
    return out


def _parse_contract(entry: object) -> tuple[Contract, str]:
    if not isinstance(entry, dict):
        raise TransactionFormatError("contract must be an object")
    type_name = entry.get("type")
    if isinstance(type_name, list | dict):  # JsonFormat reads an enum as an identifier token
        opening = "[" if isinstance(type_name, list) else "{"
        raise TransactionFormatError(f"Expected identifier. -{opening}")
    if not isinstance(type_name, str) or type_name not in CONTRACT_SCHEMAS:
        raise TransactionFormatError(f"Unknown or unsupported contract type: {type_name!r}")
    _, schema = CONTRACT_SCHEMAS[type_name]
    parameter = entry.get("parameter")
    if not isinstance(parameter, dict) or not isinstance(parameter.get("value", {}), dict):
        raise TransactionFormatError("contract.parameter must be an object with a value")
    value = parameter.get("value", {})
    type_url = parameter.get("type_url", TYPE_URL_PREFIX + type_name)
    if not isinstance(type_url, str):
        raise TransactionFormatError("type_url must be a string")
    known = {name for name, _, _ in schema}
    unknown = set(value) - known
    if unknown:
        raise TransactionFormatError(f"Unknown field(s) in {type_name}: {sorted(unknown)}")
    fields: dict[str, Any] = {}
    for name, _number, kind in schema:
        if name in value and value[name] is not None:
            fields[name] = _PARSERS[kind](value[name], name)
    permission_id = _int(entry.get("Permission_id", 0), "Permission_id")
    return Contract(type_name=type_name, fields=fields, permission_id=permission_id), type_url


@lru_cache(maxsize=256)
def _type_url_field(type_url: str) -> bytes:
    """`Any.type_url` as field 1; the same handful of URLs on every transaction."""
    return pb.bytes_field(1, type_url.encode())


def encode_contract(contract: Contract, type_url: str) -> bytes:
    """`Transaction.Contract` bytes: type, parameter (Any{type_url, value}), Permission_id."""
    type_number, schema = CONTRACT_SCHEMAS[contract.type_name]
    fields = contract.fields
    parts = []
    for name, number, kind in schema:
        if name in fields:
            value = fields[name]
            if kind == ADDRESS or kind == HEX:  # most fields: skip the dispatch
                parts.append(pb.bytes_field(number, value))
            else:
                parts.append(_encode_value(number, kind, value))
    body = b"".join(parts)
    any_message = _type_url_field(type_url) + pb.bytes_field(2, body)
    return (
        pb.int_field(1, type_number)
        + pb.message_field(2, any_message)
        + pb.int_field(5, contract.permission_id)
    )


def build_transaction(
    contract: Contract,
    *,
    ref_block_bytes: bytes,
    ref_block_hash: bytes,
    expiration: int,
    timestamp: int,
    fee_limit: int = 0,
    memo: bytes = b"",
    ref_block_num: int = 0,
    scripts: bytes = b"",
    type_url: str = "",
) -> RawTransaction:
    """Encode a transaction from decoded values (in-process clients skip the JSON round)."""
    type_url = type_url or TYPE_URL_PREFIX + contract.type_name
    raw_bytes = (
        pb.bytes_field(1, ref_block_bytes)
        + pb.int_field(3, ref_block_num)
        + pb.bytes_field(4, ref_block_hash)
        + pb.int_field(8, expiration)
        + pb.bytes_field(10, memo)
        + pb.message_field(11, encode_contract(contract, type_url))
        + pb.bytes_field(12, scripts)
        + pb.int_field(14, timestamp)
        + pb.int_field(18, fee_limit)
    )
    return RawTransaction(
        raw_bytes=raw_bytes,
        txid=sha256(raw_bytes).hex(),
        contract=contract,
        type_url=type_url,
        ref_block_bytes=ref_block_bytes,
        ref_block_hash=ref_block_hash,
        expiration=expiration,
        timestamp=timestamp,
        fee_limit=fee_limit,
        ref_block_num=ref_block_num,
        memo=memo,
        scripts=scripts,
    )


def parse_raw_data(raw_data: object) -> RawTransaction:
    """Parse a client's `raw_data` JSON (addresses in either form) into a RawTransaction."""
    if not isinstance(raw_data, dict):
        raise TransactionFormatError("raw_data must be an object")
    contracts = raw_data.get("contract")
    if not isinstance(contracts, list) or len(contracts) != 1:
        raise TransactionFormatError("raw_data.contract must hold exactly one contract")
    contract, type_url = _parse_contract(contracts[0])
    return build_transaction(
        contract,
        type_url=type_url,
        ref_block_bytes=_hex(raw_data.get("ref_block_bytes", ""), "ref_block_bytes"),
        ref_block_num=_int(raw_data.get("ref_block_num", 0), "ref_block_num"),
        ref_block_hash=_hex(raw_data.get("ref_block_hash", ""), "ref_block_hash"),
        expiration=_int(raw_data.get("expiration", 0), "expiration"),
        memo=_hex(raw_data.get("data", ""), "data"),
        scripts=_hex(raw_data.get("scripts", ""), "scripts"),
        timestamp=_int(raw_data.get("timestamp", 0), "timestamp"),
        fee_limit=_int(raw_data.get("fee_limit", 0), "fee_limit"),
    )


def raw_data_json(raw: RawTransaction, *, visible: bool) -> dict[str, Any]:
    """`raw_data` as served: the canonical hex form, or with base58 addresses when visible."""
    if not visible:
        return raw.raw_data
    out = dict(raw.raw_data)
    contract_json = dict(out["contract"][0])
    contract_json["parameter"] = {
        "value": contract_value_json(raw.contract, visible=True),
        "type_url": contract_json["parameter"]["type_url"],
    }
    out["contract"] = [contract_json]
    return out


def signed_size(raw: RawTransaction, signature_count: int) -> int:
    """Bytes billed as bandwidth: the signed Transaction serialized, plus java-tron's 64-byte
    allowance for the result it appends (MAX_RESULT_SIZE_IN_TX) per contract."""
    raw_len = len(raw.raw_bytes)
    return 1 + len(pb.varint(raw_len)) + raw_len + signature_count * 67 + 64
