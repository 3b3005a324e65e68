"""Saving a chain to a JSON file and loading it back (`--state FILE`).

Blocks are stored as the transactions clients sent (canonical raw_data and signatures) plus
their receipts; on load each raw_data is re-encoded and its txID checked, so a file edited
by hand cannot smuggle in a transaction the node would not have produced.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from devnet.blocks import Block, TxRecord
from devnet.node import Clock, Node
from devnet.params import ChainParams
from devnet.txcodec import parse_raw_data

FORMAT_VERSION = 1


class StateFileError(ValueError):
    """The state file is not a devnet chain this version can load."""


def _record_json(record: TxRecord) -> dict[str, Any]:
    return {
        "raw_data": record.raw.raw_data,
        "signature": list(record.signatures),
        "contract_ret": record.contract_ret,
        "info": record.info,
    }


def _record(data: dict[str, Any]) -> TxRecord:
    raw = parse_raw_data(data["raw_data"])
    if raw.txid != data["info"]["id"]:
        raise StateFileError(f"transaction {data['info']['id']} does not match its raw_data")
    return TxRecord.with_receipt(raw, tuple(data["signature"]), data["contract_ret"], data["info"])


def _block_json(block: Block) -> dict[str, Any]:
    return {
        "number": block.number,
        "timestamp": block.timestamp,
        "parent_hash": block.parent_hash.hex(),
        "witness": block.witness.hex(),
        "tx_trie_root": block.tx_trie_root.hex(),
        "witness_signature": block.witness_signature.hex(),
        "block_id": block.block_id.hex(),
        "transactions": [_record_json(record) for record in block.txs],
    }


def _block(data: dict[str, Any]) -> Block:
    return Block(
        number=data["number"],
        timestamp=data["timestamp"],
        parent_hash=bytes.fromhex(data["parent_hash"]),
        witness=bytes.fromhex(data["witness"]),
        txs=[_record(record) for record in data["transactions"]],
        tx_trie_root=bytes.fromhex(data["tx_trie_root"]),
        witness_signature=bytes.fromhex(data["witness_signature"]),
        block_id=bytes.fromhex(data["block_id"]),
    )


def save(node: Node, path: Path) -> None:
    """Write the whole chain atomically (a crash mid-write leaves the old file intact)."""
    with node.lock:
        document = {
            "format": FORMAT_VERSION,
            "seed": node.seed,
            "unfreeze_delay_ms": node.params.unfreeze_delay_ms,
            "world": node.world.to_state(),
            "blocks": [_block_json(block) for block in node.blocks],
            "pending": [_record_json(record) for record in node.pending],
            "block_states": {str(n): state for n, state in node.block_states.items()},
        }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(document, out, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(
    path: Path,
    *,
    block_time: float,
    solid_lag: int,
    clock: Clock,
    params: ChainParams | None = None,
) -> Node:
    """A Node continuing the chain saved at `path` (its seed and accounts come from the file)."""
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise StateFileError(f"cannot read {path}: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT_VERSION:
        raise StateFileError(f"{path} is not a devnet state file (format {FORMAT_VERSION})")
    if params is None:
        params = ChainParams(unfreeze_delay_ms=document["unfreeze_delay_ms"])
    node = Node(
        seed=document["seed"],
        block_time=block_time,
        solid_lag=solid_lag,
        clock=clock,
        params=params,
    )
    with node.lock:
        node.world.load_state(document["world"])
        node.blocks = [_block(block) for block in document["blocks"]]
        node.tx_index = {
            record.txid: (block.number, index)
            for block in node.blocks
            for index, record in enumerate(block.txs)
        }
        node.pending = [_record(record) for record in document["pending"]]
        node.pending_ids = {record.txid for record in node.pending}
        node.block_states = {int(n): state for n, state in document["block_states"].items()}
        if node.solid_lag and node.head.number not in node.block_states:
            # Saved with a different --solid-lag: forks can only start from here.
            node.block_states = {node.head.number: node.world.to_state()}
    return node
