"""Blocks: header bytes, the TRON block id, and the stored form of included transactions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from devnet import protobuf as pb
from devnet.compact_json import dumps_compact
from devnet.crypto import sha256, sign_digest
from devnet.txcodec import RawTransaction

BLOCK_VERSION = 32
ZERO_HASH = bytes(32)


@dataclass
class TxRecord:
    """A transaction as the chain keeps it: what the client sent plus what executing it did.

    The receipt (`TransactionInfo` in hex form, without the block fields the renderer adds)
    is kept as JSON text, not as nested dicts: a busy chain holds hundreds of thousands of
    receipts, and as dicts they were most of its memory and of the objects the cyclic GC
    rescans at every full collection (about a sixth of the node's CPU at 300,000
    transactions). As text they are also nearly what `gettransactioninfobyblocknum` serves.
    `contract_ret` feeds `ret[0].contractRet`.
    """

    raw: RawTransaction
    signatures: tuple[str, ...]
    contract_ret: str
    fee: int | None
    """`info["fee"]`, None when the receipt has none."""
    info_rest_json: str
    """The receipt's fields after `id` and `fee`, as a compact JSON object."""

    @classmethod
    def executed(
        cls,
        raw: RawTransaction,
        signatures: tuple[str, ...],
        contract_ret: str,
        *,
        fee: int | None,
        info: dict[str, Any],
    ) -> TxRecord:
        """A record from a receipt without `id` and `fee` (both kept outside the text)."""
        return cls(raw, signatures, contract_ret, fee, dumps_compact(info))

    @classmethod
    def with_receipt(
        cls,
        raw: RawTransaction,
        signatures: tuple[str, ...],
        contract_ret: str,
        info: dict[str, Any],
    ) -> TxRecord:
        """A record from a whole receipt dict (`id` first, then `fee` if any), as saved."""
        rest = {key: value for key, value in info.items() if key != "id" and key != "fee"}
        return cls.executed(raw, signatures, contract_ret, fee=info.get("fee"), info=rest)

    @property
    def info(self) -> dict[str, Any]:
        """The receipt as a dict, in the order the executor wrote it (a fresh copy)."""
        info: dict[str, Any] = {"id": self.raw.txid}
        if self.fee is not None:
            info["fee"] = self.fee
        info.update(json.loads(self.info_rest_json))
        return info

    @property
    def txid(self) -> str:
        return self.raw.txid

    def signed_bytes(self) -> bytes:
        """The `Transaction` message (raw_data and signatures) as java-tron serializes it."""
        return pb.message_field(1, self.raw.raw_bytes) + b"".join(
            pb.bytes_field(2, bytes.fromhex(signature)) for signature in self.signatures
        )


@dataclass
class Block:
    number: int
    timestamp: int
    parent_hash: bytes
    witness: bytes
    txs: list[TxRecord] = field(default_factory=list)
    tx_trie_root: bytes = ZERO_HASH
    witness_signature: bytes = b""
    block_id: bytes = ZERO_HASH

    @property
    def id_hex(self) -> str:
        return self.block_id.hex()

    def header_raw_bytes(self) -> bytes:
        return (
            pb.int_field(1, self.timestamp)
            + pb.bytes_field(2, self.tx_trie_root)
            + pb.bytes_field(3, self.parent_hash)
            + pb.int_field(7, self.number)
            + pb.bytes_field(9, self.witness)
            + pb.int_field(10, BLOCK_VERSION)
        )


def merkle_root(leaves: list[bytes]) -> bytes:
    """java-tron's txTrieRoot: a binary sha256 tree over the transactions' hashes, where an
    odd node is carried up unchanged; an empty block has the zero hash."""
    if not leaves:
        return ZERO_HASH
    level = leaves
    while len(level) > 1:
        paired = [sha256(level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def seal(block: Block, witness_private_key: bytes) -> None:
    """Fill in the trie root, block id and witness signature of a freshly assembled block.

    Block id = sha256(BlockHeader.raw) with its first 8 bytes replaced by the block number.
    """
    block.tx_trie_root = merkle_root([sha256(tx.signed_bytes()) for tx in block.txs])
    header_hash = sha256(block.header_raw_bytes())
    block.block_id = block.number.to_bytes(8, "big") + header_hash[8:]
    block.witness_signature = sign_digest(witness_private_key, header_hash)


def tapos_key(number: int) -> bytes:
    """`ref_block_bytes`: bytes 6-7 of the 8-byte big-endian block number."""
    return (number & 0xFFFF).to_bytes(2, "big")


def tapos_hash(block_id: bytes) -> bytes:
    """`ref_block_hash`: bytes 8-15 of the block id."""
    return block_id[8:16]
