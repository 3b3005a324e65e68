"""JSON text of blocks, transactions and receipts, assembled directly from their parts.

A block scanner reads every block once, so the first rendering of a block is what limits it.
`json.dumps` over the nested dicts of `devnet.render` spends most of its time re-scanning long
hex strings for characters to escape; here the text is concatenated from fragments instead:
hex, base58 and integers need no escaping and go in as they are, every other string goes
through `json.dumps`. The result is byte-identical to
`json.dumps(devnet.render.<the same view>, separators=(",", ":"))` (tests/devnet pins that),
so `devnet.render` stays the readable definition of each view.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from devnet.addresses import to_base58
from devnet.blocks import Block, TxRecord
from devnet.compact_json import dumps_compact
from devnet.txcodec import (
    ADDRESS,
    CONTRACT_SCHEMAS,
    HEX,
    RESOURCE,
    VOTES,
    Contract,
    RawTransaction,
)

_SEPARATORS = (",", ":")


@lru_cache(maxsize=1024)
def _quoted_slow(text: str) -> str:
    return json.dumps(text)


def _quoted(text: str) -> str:
    """A JSON string literal; ASCII letters and digits (hex, base58) need no escaping."""
    if text.isascii() and text.isalnum():
        return '"' + text + '"'
    if len(text) <= 64:  # type URLs, result codes: few distinct values, memoised
        return _quoted_slow(text)
    return json.dumps(text)


def _string_list(items: list[Any] | tuple[Any, ...]) -> str:
    """A JSON array of strings; one escaping check over all of them (topics, signatures)."""
    try:
        flat = "".join(items)
    except TypeError:  # not all strings: let json decide
        return json.dumps(items, separators=_SEPARATORS)
    if not flat.isascii() or not (flat.isalnum() or not flat):
        return json.dumps(items, separators=_SEPARATORS)
    return '["' + '","'.join(items) + '"]' if items else "[]"


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _quoted(value)
    if kind is int:
        return str(value)
    return json.dumps(value, separators=_SEPARATORS)


@lru_cache(maxsize=65_536)
def base58_of(address: bytes) -> str:
    """Base58check of an address; a busy chain keeps showing the same few thousand."""
    return to_base58(address)


def _address(address: bytes, visible: bool) -> str:
    return '"' + (base58_of(address) if visible else address.hex()) + '"'


# ---- transactions -------------------------------------------------------------------------
# (f-strings below: one allocation per fragment instead of one per `+`.)
def contract_value_text(contract: Contract, *, visible: bool) -> str:
    """`parameter.value`: schema order, proto3 defaults omitted (render: contract_value_json)."""
    _, schema = CONTRACT_SCHEMAS[contract.type_name]
    fields = contract.fields
    parts: list[str] = []
    for name, _number, kind in schema:
        value = fields.get(name)
        if value is None or (value == "BANDWIDTH" if kind == RESOURCE else not value):
            continue
        if kind == ADDRESS:
            parts.append(f'"{name}":"{base58_of(value) if visible else value.hex()}"')
        elif kind == HEX:
            parts.append(f'"{name}":"{value.hex()}"')
        elif kind == VOTES:
            votes = ",".join([_vote_text(a, c, visible) for a, c in value])
            parts.append(f'"{name}":[{votes}]')
        else:
            parts.append(f'"{name}":{_scalar(value)}')
    return "{" + ",".join(parts) + "}"


def _vote_text(address: bytes, count: int, visible: bool) -> str:
    if count:
        return f'{{"vote_address":{_address(address, visible)},"vote_count":{_scalar(count)}}}'
    return f'{{"vote_address":{_address(address, visible)}}}'


def raw_data_text(raw: RawTransaction, *, visible: bool) -> str:
    """`raw_data` as served (txcodec.raw_data_json)."""
    contract = raw.contract
    permission = (
        f',"Permission_id":{_scalar(contract.permission_id)}' if contract.permission_id else ""
    )
    contract_text = (
        f'"contract":[{{"parameter":{{"value":{contract_value_text(contract, visible=visible)},'
        f'"type_url":{_quoted(raw.type_url)}}},"type":{_quoted(contract.type_name)}{permission}}}]'
    )
    parts = [f'"data":"{raw.memo.hex()}"', contract_text] if raw.memo else [contract_text]
    if raw.ref_block_bytes:
        parts.append(f'"ref_block_bytes":"{raw.ref_block_bytes.hex()}"')
    if raw.ref_block_num:
        parts.append(f'"ref_block_num":{_scalar(raw.ref_block_num)}')
    if raw.ref_block_hash:
        parts.append(f'"ref_block_hash":"{raw.ref_block_hash.hex()}"')
    if raw.expiration:
        parts.append(f'"expiration":{_scalar(raw.expiration)}')
    if raw.scripts:
        parts.append(f'"scripts":"{raw.scripts.hex()}"')
    if raw.fee_limit:
        parts.append(f'"fee_limit":{_scalar(raw.fee_limit)}')
    if raw.timestamp:
        parts.append(f'"timestamp":{_scalar(raw.timestamp)}')
    return "{" + ",".join(parts) + "}"


def transaction_text(record: TxRecord, *, visible: bool) -> str:
    """A transaction inside a block (render.transaction_json with its `ret`)."""
    raw = record.raw
    return (
        f'{{{_VISIBLE_FLAG if visible else ""}"ret":[{{"contractRet":'
        f"{_quoted(record.contract_ret)}}}],"
        f'"signature":{_string_list(record.signatures)},"txID":"{raw.txid}",'
        f'"raw_data":{raw_data_text(raw, visible=visible)},"raw_data_hex":"{raw.raw_bytes.hex()}"}}'
    )


_VISIBLE_FLAG = '"visible":true,'


# ---- blocks -------------------------------------------------------------------------------
def block_text(block: Block, *, visible: bool) -> str:
    """render.block_json as text."""
    header = '{"number":' + str(block.number) + ',"txTrieRoot":"' + block.tx_trie_root.hex() + '"'
    if block.witness:
        header += ',"witness_address":' + _address(block.witness, visible)
    header += (
        ',"parentHash":"'
        + block.parent_hash.hex()
        + '","version":32,"timestamp":'
        + str(block.timestamp)
        + "}"
    )
    text = (
        '{"blockID":"'
        + block.id_hex
        + '","block_header":{"raw_data":'
        + header
        + ',"witness_signature":"'
        + block.witness_signature.hex()
        + '"}'
    )
    if block.txs:
        text += (
            ',"transactions":['
            + ",".join([transaction_text(tx, visible=visible) for tx in block.txs])
            + "]"
        )
    return text + "}"


# ---- receipts -----------------------------------------------------------------------------
def transaction_info_text(record: TxRecord, block: Block, *, visible: bool) -> str:
    """render.transaction_info_json as text: the block fields spliced into the receipt text
    the record keeps (TxRecord.info_rest_json)."""
    text = '{"id":' + _quoted(record.raw.txid)
    if record.fee is not None:
        text += ',"fee":' + _scalar(record.fee)
    text += ',"blockNumber":' + str(block.number) + ',"blockTimeStamp":' + str(block.timestamp)
    rest = record.info_rest_json
    if visible and _has_visible_forms(rest):
        rest = _visible_rest(rest)
    return text + ("}" if rest == "{}" else "," + rest[1:])


# Fields whose visible form differs: base58 addresses, the UTF-8 message. A receipt whose text
# does not mention them reads the same either way (a stray match only costs the slow path).
_VISIBLE_KEYS = ('"contract_address"', '"resMessage"', '"log"')


def _has_visible_forms(rest: str) -> bool:
    return any(key in rest for key in _VISIBLE_KEYS)


def _visible_rest(rest: str) -> str:
    """The visible form of a receipt text: its addresses in base58, its message as text."""
    fields = json.loads(rest)
    return dumps_compact({k: visible_info_value(k, v) for k, v in fields.items()})


def visible_info_value(key: str, value: Any) -> Any:
    """A receipt field as `visible=true` shows it: base58 addresses, the message as text."""
    if key == "contract_address":
        return base58_of(bytes.fromhex(value))
    if key == "resMessage":
        return bytes.fromhex(value).decode("utf-8", "replace")
    if key == "log":
        return [
            {**log, "address": base58_of(b"\x41" + bytes.fromhex(log["address"]))} for log in value
        ]
    return value


def block_infos_text(block: Block, *, visible: bool) -> str:
    """`gettransactioninfobyblocknum`: every receipt of the block, in block order."""
    return (
        "["
        + ",".join([transaction_info_text(tx, block, visible=visible) for tx in block.txs])
        + "]"
    )
