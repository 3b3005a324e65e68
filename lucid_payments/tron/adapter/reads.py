"""Typed reads from the node. Requests use ``visible:false`` (hex addresses): cheaper for
the node and for us, since the scanner matches hex against its watched set and converts
to base58 only what it stores.

Every function takes the node explicitly (``get_node()`` in production) so a caller
can hold one client for a whole batch.
"""

from __future__ import annotations

from typing import Any

from lucid_payments.tron.adapter.errors import NodeBadResponse
from lucid_payments.tron.adapter.node import TronNode, decode_node_message
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
    return parse_block(node.post(f"{prefix}/getblockbynum", {"num": number}))


def blocks_in_range(node: TronNode, start: int, end: int) -> list[Block]:
    """Blocks ``start <= n < end`` that exist (at most 100), in number order."""
    if end - start > MAX_BLOCKS_PER_RANGE:
        raise ValueError(f"at most {MAX_BLOCKS_PER_RANGE} blocks per range")
    if end <= start:
        return []
    body = node.post("wallet/getblockbylimitnext", {"startNum": start, "endNum": end})
    blocks = [parse_block(raw) for raw in body.get("block", [])]
    return sorted((b for b in blocks if b is not None), key=lambda b: b.number)


def transaction_infos_by_block(node: TronNode, number: int) -> list[TransactionInfo]:
    return [
        parse_transaction_info(raw)
        for raw in node.post_list("wallet/gettransactioninfobyblocknum", {"num": number})
    ]


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
        logs=tuple(
            Log(
                address_hex=_log_address_hex(log.get("address", "")),
                topics=tuple(log.get("topics", ())),
                data=log.get("data", ""),
            )
            for log in raw.get("log", ())
        ),
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
