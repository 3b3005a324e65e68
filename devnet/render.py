"""JSON views of blocks, transactions and receipts, as java-tron's HTTP API prints them.

`visible=False`: addresses as 41-hex and message fields as hex; `visible=True`: base58check
addresses and UTF-8 messages. Blocks never change once produced, so their rendered JSON is
cached by (block id, visible) — a block scanner asks for the same blocks over and over.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from devnet.addresses import to_base58
from devnet.blocks import Block, TxRecord
from devnet.render_text import block_infos_text, block_text, visible_info_value
from devnet.txcodec import raw_data_json


def transaction_json(record: TxRecord, *, visible: bool, with_ret: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if with_ret:
        out["ret"] = [{"contractRet": record.contract_ret}]
    out["signature"] = list(record.signatures)
    out["txID"] = record.txid
    out["raw_data"] = raw_data_json(record.raw, visible=visible)
    out["raw_data_hex"] = record.raw.raw_bytes.hex()
    if visible:
        out = {"visible": True, **out}
    return out


def block_json(block: Block, *, visible: bool) -> dict[str, Any]:
    # proto3 JSON would omit number 0, but TronWeb's transaction builder reads
    # `raw_data.number` unconditionally, so the genesis block carries it explicitly.
    raw_header: dict[str, Any] = {"number": block.number}
    raw_header["txTrieRoot"] = block.tx_trie_root.hex()
    if block.witness:
        raw_header["witness_address"] = to_base58(block.witness) if visible else block.witness.hex()
    raw_header["parentHash"] = block.parent_hash.hex()
    raw_header["version"] = 32
    raw_header["timestamp"] = block.timestamp
    out: dict[str, Any] = {
        "blockID": block.id_hex,
        "block_header": {
            "raw_data": raw_header,
            "witness_signature": block.witness_signature.hex(),
        },
    }
    if block.txs:
        out["transactions"] = [transaction_json(tx, visible=visible) for tx in block.txs]
    return out


def transaction_info_json(record: TxRecord, block: Block, *, visible: bool) -> dict[str, Any]:
    info = record.info
    out: dict[str, Any] = {"id": info["id"]}
    if "fee" in info:
        out["fee"] = info["fee"]
    out["blockNumber"] = block.number
    out["blockTimeStamp"] = block.timestamp
    for key, value in info.items():
        if key in ("id", "fee"):
            continue
        out[key] = visible_info_value(key, value) if visible else value
    return out


class RenderCache:
    """Rendered JSON text of immutable blocks, least recently used evicted first.

    Bounded by characters held rather than by entries: a 300-transaction block renders to
    ~0.5 MB, so a fixed entry count would let a long scan pin gigabytes.
    """

    def __init__(self, capacity_chars: int = 128 * 1024 * 1024) -> None:
        self._capacity_chars = capacity_chars
        self._held_chars = 0
        self._entries: OrderedDict[tuple[bytes, str, bool], str] = OrderedDict()
        self._lock = threading.Lock()

    def block(self, block: Block, *, visible: bool) -> str:
        return self._get(block, "block", visible, lambda: block_text(block, visible=visible))

    def block_infos(self, block: Block, *, visible: bool) -> str:
        return self._get(block, "infos", visible, lambda: block_infos_text(block, visible=visible))

    def _get(self, block: Block, kind: str, visible: bool, build: Callable[[], str]) -> str:
        key = (block.block_id, kind, visible)
        with self._lock:
            text = self._entries.get(key)
            if text is not None:
                self._entries.move_to_end(key)
                return text
        # Rendered outside the lock: two threads may render the same block once each, which
        # is cheaper than making every reader wait for one renderer.
        text = build()
        with self._lock:
            if key not in self._entries:
                self._entries[key] = text
                self._held_chars += len(text)
            while self._held_chars > self._capacity_chars and len(self._entries) > 1:
                _, evicted = self._entries.popitem(last=False)
                self._held_chars -= len(evicted)
        return text
