"""Building, signing and broadcasting transactions against the node.

A transaction is built here from a contract type and its parameter value, serialized by
``rawtx`` (so the txid we sign is the one of the transaction we built, never one a node
told us), signed through a ``Signer`` and checked by recovering the signer's address.
Nothing here touches the database; the outgoing services decide when each step runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lucid_payments.tron.adapter import rawtx, reads
from lucid_payments.tron.adapter.errors import NodeBadResponse
from lucid_payments.tron.adapter.node import TronNode, decode_node_message
from lucid_payments.tron.adapter.types import Block
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.signing import Signer, recover_address

DEFAULT_EXPIRATION_MS = 60_000
# java-tron refuses expirations further than this past its head block.
MAX_EXPIRATION_MS = 86_400_000

DUPLICATE_CODE = "DUP_TRANSACTION_ERROR"


@dataclass(frozen=True)
class ChainReference:
    """What a new transaction is anchored to: TaPoS block and chain time."""

    ref_block_bytes: str  # 2 bytes of the reference block's number, hex
    ref_block_hash: str  # bytes 8..15 of the reference block's id, hex
    head_timestamp_ms: int


@dataclass(frozen=True)
class SignedTransaction:
    txid: str
    raw_data: dict[str, Any]
    raw_data_hex: str
    signature: str  # 130 lower hex chars
    expiration_ms: int

    def to_broadcast_json(self) -> dict[str, Any]:
        return {
            "txID": self.txid,
            "raw_data": self.raw_data,
            "raw_data_hex": self.raw_data_hex,
            "signature": [self.signature],
            "visible": False,
        }


@dataclass(frozen=True)
class BroadcastOutcome:
    """A node's answer to a broadcast.

    ``accepted`` is true for a fresh acceptance and for ``DUP_TRANSACTION_ERROR`` (the node
    already had it: an earlier broadcast of ours got through). Otherwise ``code`` and
    ``message`` say why the node refused.
    """

    accepted: bool
    duplicate: bool = False
    code: str = ""
    message: str = ""


def chain_reference(node: TronNode) -> ChainReference:
    """Anchor on the solidified head (a fork cannot remove it, so TaPoS stays valid) and
    take chain time from the head block (the node checks expiration against it)."""
    solid = reads.now_block(node, solid=True)
    return chain_reference_between(solid, reads.now_block(node))


def recent_chain_reference(node: TronNode, *, max_age_s: float) -> ChainReference:
    """``chain_reference``, read at most once per ``max_age_s`` by ``node``: copies signed
    in a burst share the heads' two reads. An older reference only starts the copy's life
    that much earlier (its expiration counts from the head's time); the anchor is
    solidified either way."""
    return node.recall_or_read(
        "chain_reference", max_age_s=max_age_s, read=lambda: chain_reference(node)
    )


def chain_reference_between(solid: Block, head: Block) -> ChainReference:
    """``chain_reference`` from heads already read (a round that read them for itself)."""
    return ChainReference(
        ref_block_bytes=solid.block_id[12:16],
        ref_block_hash=solid.block_id[16:32],
        head_timestamp_ms=head.timestamp_ms,
    )


def build_raw_data(
    *,
    contract_type: str,
    parameters: dict[str, Any],
    reference: ChainReference,
    expiration_ms: int = DEFAULT_EXPIRATION_MS,
    fee_limit: int = 0,
    memo: str = "",
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """The node's JSON ``raw_data``. ``timestamp_ms`` (default: the head block's time) is
    what keeps two otherwise identical transactions apart; the outgoing steps pass one
    unique per sender (``outgoing.timestamps``). The expiration is always measured from the
    head block, since that is what the node checks it against."""
    if not 0 < expiration_ms <= MAX_EXPIRATION_MS:
        raise ValueError("expiration must be within (0, 24 h]")
    raw_data: dict[str, Any] = {
        "contract": [
            {
                "parameter": {
                    "value": parameters,
                    "type_url": rawtx.TYPE_URL_PREFIX + contract_type,
                },
                "type": contract_type,
            }
        ],
        "ref_block_bytes": reference.ref_block_bytes,
        "ref_block_hash": reference.ref_block_hash,
        "expiration": reference.head_timestamp_ms + expiration_ms,
        "timestamp": reference.head_timestamp_ms if timestamp_ms is None else timestamp_ms,
    }
    if fee_limit:
        raw_data["fee_limit"] = fee_limit
    if memo:
        raw_data["data"] = memo.encode().hex()
    return raw_data


def sign_raw_data(raw_data: dict[str, Any], signer: Signer) -> SignedTransaction:
    """Serialize, hash and sign; refuses a signer whose key is not the owner's."""
    raw = rawtx.encode_raw_data(raw_data)
    summary = rawtx.read_raw(raw)
    txid = bytes.fromhex(summary.txid)
    signature = signer.sign(txid)
    signed_by = recover_address(txid, signature)
    if signed_by != signer.address:
        raise ValueError(f"signer {signer.address} produced a signature of {signed_by}")
    owner = hex_to_base58(summary.owner_address_hex)
    if signed_by != owner:
        raise ValueError(f"signer {signed_by} is not the owner {owner}")
    return SignedTransaction(
        txid=summary.txid,
        raw_data=raw_data,
        raw_data_hex=raw.hex(),
        signature=signature.hex(),
        expiration_ms=summary.expiration_ms,
    )


def broadcast(node: TronNode, signed: dict[str, Any]) -> BroadcastOutcome:
    """Send a signed transaction (the JSON ``broadcasttransaction`` takes).

    Safe to repeat: the same signed transaction has the same txid, and a node that has it
    answers ``DUP_TRANSACTION_ERROR``. ``SERVER_BUSY`` and transport failures are retried by
    the node client and end in ``NodeUnavailable``: the caller does not know whether the
    transaction got through and must treat it as possibly submitted.
    """
    body = node.request("wallet/broadcasttransaction", signed)
    if not isinstance(body, dict):
        raise NodeBadResponse("broadcasttransaction answered something that is not an object.")
    if body.get("result") is True:
        return BroadcastOutcome(accepted=True)
    if "Error" in body:
        return BroadcastOutcome(accepted=False, code="ERROR", message=str(body["Error"]))
    code = str(body.get("code", "OTHER_ERROR"))
    message = decode_node_message(body.get("message", ""))
    if code == DUPLICATE_CODE:
        return BroadcastOutcome(accepted=True, duplicate=True, code=code, message=message)
    return BroadcastOutcome(accepted=False, code=code, message=message)
