"""Typed reads from the node. Requests use ``visible:false`` (hex addresses): cheaper for
the node and for us, since the scanner matches hex against its watched set and converts
to base58 only what it stores.

Every function takes the node explicitly (``get_node()`` in production) so a caller
can hold one client for a whole batch.

Blocks and transaction infos (the scanner's bulk, ~0.5 MB per busy block) are decoded
with msgspec straight from the body's bytes into the few fields we read: signatures,
``raw_data_hex`` and the rest are skipped without ever becoming Python objects. An answer
whose shape that schema does not foresee takes the general path (JSON into dicts, then
the same parsing), so the result never depends on which path ran.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from lucid_payments.tron.adapter.errors import NodeBadResponse
from lucid_payments.tron.adapter.node import TronNode, decode_node_message, raise_for_node_error
from lucid_payments.tron.adapter.types import (
    TRC20_TRANSFER_TOPIC,
    Block,
    BlockRef,
    BlockTransaction,
    ChainParameter,
    Log,
    NodeInfo,
    TokenTransfer,
    TransactionInfo,
)

# java-tron refuses getblockbylimitnext ranges wider than this.
MAX_BLOCKS_PER_RANGE = 100


def node_info(node: TronNode) -> NodeInfo:
    body = node.post("wallet/getnodeinfo")
    try:
        head = _parse_block_ref(body["block"])
        solid = _parse_block_ref(body["solidityBlock"])
    except (KeyError, ValueError) as exc:
        raise NodeBadResponse("getnodeinfo answered without readable head blocks.") from exc
    version = str(body.get("configNodeInfo", {}).get("codeVersion", ""))
    return NodeInfo(head=head, solid=solid, code_version=version)


def now_block(node: TronNode, *, solid: bool = False) -> Block:
    prefix = "walletsolidity" if solid else "wallet"
    block = parse_block(node.post(f"{prefix}/getnowblock"))
    if block is None:
        raise NodeBadResponse("getnowblock answered without a block.")
    return block


def block_by_number(node: TronNode, number: int, *, solid: bool = False) -> Block | None:
    prefix = "walletsolidity" if solid else "wallet"
    body = node.request(f"{prefix}/getblockbynum", {"num": number}, decode=_decode_block)
    if isinstance(body, _WireBlock):
        raise_for_node_error(_error_fields(body))
        return _block_from_wire(body)
    return parse_block(_object_body(body, "getblockbynum"))


def blocks_in_range(node: TronNode, start: int, end: int) -> list[Block]:
    """Blocks ``start <= n < end`` that exist (at most 100), in number order."""
    if end - start > MAX_BLOCKS_PER_RANGE:
        raise ValueError(f"at most {MAX_BLOCKS_PER_RANGE} blocks per range")
    if end <= start:
        return []
    body = node.request(
        "wallet/getblockbylimitnext",
        {"startNum": start, "endNum": end},
        decode=_decode_block_range,
    )
    if isinstance(body, _WireBlockRange):
        raise_for_node_error(_error_fields(body))
        blocks = [_block_from_wire(wire) for wire in body.block]
    else:
        raw_blocks = _object_body(body, "getblockbylimitnext").get("block", [])
        blocks = [parse_block(raw) for raw in raw_blocks]
    return sorted((b for b in blocks if b is not None), key=lambda b: b.number)


def transaction_infos_by_block(node: TronNode, number: int) -> list[TransactionInfo]:
    body = node.request(
        "wallet/gettransactioninfobyblocknum", {"num": number}, decode=_decode_infos
    )
    if isinstance(body, tuple):
        return [_info_from_wire(wire) for wire in body]
    if isinstance(body, _WireInfosError):
        raise_for_node_error(_error_fields(body))
        return []  # {}: some node versions say "none" that way
    if isinstance(body, dict):
        raise_for_node_error(body)
        if not body:
            return []
        raise NodeBadResponse("Node answered an object to gettransactioninfobyblocknum.")
    if not isinstance(body, list):
        raise NodeBadResponse(f"Node answered {type(body).__name__} to a list request.")
    return [parse_transaction_info(raw) for raw in body]


def transaction_info(node: TronNode, txid: str, *, solid: bool = False) -> TransactionInfo | None:
    prefix = "walletsolidity" if solid else "wallet"
    body = node.post(f"{prefix}/gettransactioninfobyid", {"value": txid})
    return parse_transaction_info(body) if body else None


def chain_parameters(node: TronNode) -> list[ChainParameter]:
    body = node.post("wallet/getchainparameters")
    return [
        ChainParameter(key=str(item["key"]), value=int(item.get("value", 0)))
        for item in body.get("chainParameter", [])
    ]


# -- parsing --------------------------------------------------------------------------


def _parse_block_ref(text: str) -> BlockRef:
    # "Num:<n>,ID:<64 hex>"
    num_part, id_part = text.split(",", 1)
    return BlockRef(number=int(num_part.removeprefix("Num:")), block_id=id_part.removeprefix("ID:"))


def parse_block(raw: dict[str, Any]) -> Block | None:
    """A block from its JSON; ``None`` for the node's ``{}`` (no such block)."""
    if not raw or "blockID" not in raw:
        return None
    header = raw.get("block_header", {}).get("raw_data", {})
    return Block(
        number=int(header.get("number", 0)),
        block_id=raw["blockID"],
        parent_id=header.get("parentHash", ""),
        timestamp_ms=int(header.get("timestamp", 0)),
        transactions=tuple(_parse_block_transaction(tx) for tx in raw.get("transactions", ())),
    )


def _parse_block_transaction(tx: dict[str, Any]) -> BlockTransaction:
    rets = tx.get("ret") or [{}]
    contracts = tx.get("raw_data", {}).get("contract") or [{}]
    contract = contracts[0]
    value = contract.get("parameter", {}).get("value", {})
    return BlockTransaction(
        txid=tx.get("txID", ""),
        contract_type=contract.get("type", ""),
        succeeded=rets[0].get("contractRet", "") == "SUCCESS",
        owner_hex=value.get("owner_address", ""),
        to_hex=value.get("to_address", ""),
        amount=int(value.get("amount", 0)),
        contract_hex=value.get("contract_address", ""),
    )


def parse_transaction_info(raw: dict[str, Any]) -> TransactionInfo:
    receipt = raw.get("receipt", {})
    return TransactionInfo(
        txid=raw.get("id", ""),
        block_number=int(raw.get("blockNumber", 0)),
        block_timestamp_ms=int(raw.get("blockTimeStamp", 0)),
        fee=int(raw.get("fee", 0)),
        receipt_result=receipt.get("result", ""),
        result=raw.get("result", ""),
        message=decode_node_message(raw.get("resMessage", "")),
        energy_usage_total=int(receipt.get("energy_usage_total", 0)),
        net_usage=int(receipt.get("net_usage", 0)),
        energy_usage=int(receipt.get("energy_usage", 0)),
        energy_fee=int(receipt.get("energy_fee", 0)),
        origin_energy_usage=int(receipt.get("origin_energy_usage", 0)),
        net_fee=int(receipt.get("net_fee", 0)),
        logs=tuple(
            Log(
                address_hex=_log_address_hex(log.get("address", "")),
                topics=tuple(log.get("topics", ())),
                data=log.get("data", ""),
            )
            for log in raw.get("log", ())
        ),
        withdraw_amount=int(raw.get("withdraw_amount", 0)),
        withdraw_expire_amount=int(raw.get("withdraw_expire_amount", 0)),
    )


def _object_body(body: Any, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise NodeBadResponse(f"Node answered {type(body).__name__} to {what}, not an object.")
    raise_for_node_error(body)
    return body


# -- the typed fast path --------------------------------------------------------------
# Wire shapes: only the fields we read, under the node's own names (camelCase included),
# with the dict path's ``.get`` defaults.
# ``strict=False`` accepts numbers sent as strings, as ``int(...)`` does on the dict path.


class _WireValue(msgspec.Struct, frozen=True):
    owner_address: str = ""
    to_address: str = ""
    amount: int = 0
    contract_address: str = ""


class _WireParameter(msgspec.Struct, frozen=True):
    value: _WireValue = _WireValue()


class _WireContract(msgspec.Struct, frozen=True):
    parameter: _WireParameter = _WireParameter()
    type: str = ""


class _WireRawData(msgspec.Struct, frozen=True):
    contract: tuple[_WireContract, ...] = ()


class _WireRet(msgspec.Struct, frozen=True):
    contractRet: str = ""


class _WireTransaction(msgspec.Struct, frozen=True):
    txID: str = ""
    raw_data: _WireRawData = _WireRawData()
    ret: tuple[_WireRet, ...] = ()


class _WireHeaderRaw(msgspec.Struct, frozen=True):
    number: int = 0
    parentHash: str = ""
    timestamp: int = 0


class _WireHeader(msgspec.Struct, frozen=True):
    raw_data: _WireHeaderRaw = _WireHeaderRaw()


class _WireNodeError(msgspec.Struct, frozen=True):
    """The node's error fields, which may come instead of (or around) an answer."""

    Error: Any = None
    code: Any = None
    message: Any = ""


class _WireBlock(_WireNodeError, frozen=True):
    blockID: str = ""
    block_header: _WireHeader = _WireHeader()
    transactions: tuple[_WireTransaction, ...] = ()


class _WireBlockRange(_WireNodeError, frozen=True):
    block: tuple[_WireBlock, ...] = ()


class _WireInfosError(_WireNodeError, frozen=True, forbid_unknown_fields=True):
    """An object where a list of infos was asked for: ``{}`` or an error, nothing else."""


class _WireLog(msgspec.Struct, frozen=True):
    address: str = ""
    topics: tuple[str, ...] = ()
    data: str = ""


class _WireReceipt(msgspec.Struct, frozen=True):
    result: str = ""
    energy_usage_total: int = 0
    net_usage: int = 0
    energy_usage: int = 0
    energy_fee: int = 0
    origin_energy_usage: int = 0
    net_fee: int = 0


class _WireInfo(msgspec.Struct, frozen=True):
    id: str = ""
    blockNumber: int = 0
    blockTimeStamp: int = 0
    fee: int = 0
    receipt: _WireReceipt = _WireReceipt()
    result: str = ""
    resMessage: str = ""
    log: tuple[_WireLog, ...] = ()
    withdraw_amount: int = 0
    withdraw_expire_amount: int = 0


_BLOCK_DECODER = msgspec.json.Decoder(_WireBlock, strict=False)
_RANGE_DECODER = msgspec.json.Decoder(_WireBlockRange, strict=False)
_INFOS_DECODER = msgspec.json.Decoder(tuple[_WireInfo, ...] | _WireInfosError, strict=False)


def _typed_or_general(decoder: msgspec.json.Decoder[Any], content: bytes) -> Any:
    try:
        return decoder.decode(content)
    except msgspec.ValidationError:
        # Valid JSON of a shape the schema does not foresee (a null, an odd type): decode
        # it generally and let the dict path judge it. Malformed JSON still raises.
        return json.loads(content)


def _decode_block(content: bytes) -> Any:
    return _typed_or_general(_BLOCK_DECODER, content)


def _decode_block_range(content: bytes) -> Any:
    return _typed_or_general(_RANGE_DECODER, content)


def _decode_infos(content: bytes) -> Any:
    return _typed_or_general(_INFOS_DECODER, content)


def _error_fields(wire: _WireNodeError) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if wire.Error is not None:
        fields["Error"] = wire.Error
    if wire.code is not None:
        fields["code"] = wire.code
        fields["message"] = wire.message
    return fields


_NO_CONTRACT = _WireContract()
_NO_RET = _WireRet()


def _block_from_wire(wire: _WireBlock) -> Block | None:
    if not wire.blockID:
        return None
    header = wire.block_header.raw_data
    return Block(
        number=header.number,
        block_id=wire.blockID,
        parent_id=header.parentHash,
        timestamp_ms=header.timestamp,
        transactions=tuple(_transaction_from_wire(tx) for tx in wire.transactions),
    )


def _transaction_from_wire(tx: _WireTransaction) -> BlockTransaction:
    contract = tx.raw_data.contract[0] if tx.raw_data.contract else _NO_CONTRACT
    value = contract.parameter.value
    return BlockTransaction(
        txid=tx.txID,
        contract_type=contract.type,
        succeeded=(tx.ret[0] if tx.ret else _NO_RET).contractRet == "SUCCESS",
        owner_hex=value.owner_address,
        to_hex=value.to_address,
        amount=value.amount,
        contract_hex=value.contract_address,
    )


def _info_from_wire(wire: _WireInfo) -> TransactionInfo:
    receipt = wire.receipt
    return TransactionInfo(
        txid=wire.id,
        block_number=wire.blockNumber,
        block_timestamp_ms=wire.blockTimeStamp,
        fee=wire.fee,
        receipt_result=receipt.result,
        result=wire.result,
        message=decode_node_message(wire.resMessage) if wire.resMessage else "",
        energy_usage_total=receipt.energy_usage_total,
        net_usage=receipt.net_usage,
        energy_usage=receipt.energy_usage,
        energy_fee=receipt.energy_fee,
        origin_energy_usage=receipt.origin_energy_usage,
        net_fee=receipt.net_fee,
        logs=tuple(
            Log(address_hex=_log_address_hex(log.address), topics=log.topics, data=log.data)
            for log in wire.log
        ),
        withdraw_amount=wire.withdraw_amount,
        withdraw_expire_amount=wire.withdraw_expire_amount,
    )


def _log_address_hex(address: str) -> str:
    # Logs carry the 20-byte form; with visible:false that is 40 hex without the 41.
    return "41" + address.lower() if len(address) == 40 else address.lower()


def token_transfers(info: TransactionInfo) -> list[TokenTransfer]:
    """The TRC20 ``Transfer`` logs of a transaction whose call succeeded.

    A reverted call is still in its block, with logs from before the revert discarded by
    the VM but a failed receipt; only ``receipt.result == "SUCCESS"`` counts.
    """
    if info.receipt_result != "SUCCESS":
        return []
    transfers = []
    for index, log in enumerate(info.logs):
        if len(log.topics) != 3 or log.topics[0].lower() != TRC20_TRANSFER_TOPIC:
            continue  # also skips ERC-721-style Transfer(…, indexed tokenId): 4 topics
        try:
            amount = int(log.data, 16) if log.data else 0
        except ValueError:
            continue
        transfers.append(
            TokenTransfer(
                txid=info.txid,
                log_index=index,
                contract_hex=log.address_hex,
                from_hex="41" + log.topics[1][-40:].lower(),
                to_hex="41" + log.topics[2][-40:].lower(),
                amount=amount,
            )
        )
    return transfers
