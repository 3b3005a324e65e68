"""Reads behind the tron-client API: what the node says, joined with what we recorded.

Plain functions returning plain dicts shaped like the output serializers; no writes.
Addresses leave here as base58 ``T…``; amounts as integers of SUN or token base units.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from django.conf import settings

from lucid_payments.core.errors import InvalidInput, NotFound
from lucid_payments.tron.adapter import accounts, reads
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.types import BlockTransaction
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.api.tenancy import addresses_of_client
from lucid_payments.tron.models import ChainTransfer, OutgoingAttempt, ScanCursor

TXID_PATTERN = re.compile(r"[0-9a-fA-F]{64}")
# Block numbers are int64 on the chain; anything larger is not a block, and is not sent on.
MAX_BLOCK_NUMBER = (1 << 63) - 1


def _base58_or_empty(address_hex: str) -> str:
    return hex_to_base58(address_hex) if address_hex else ""


def network_status(node: TronNode) -> dict[str, Any]:
    info = reads.node_info(node)
    cursor = ScanCursor.objects.filter(network=settings.TRON_NETWORK).first()
    return {
        "network": settings.TRON_NETWORK,
        "node_version": info.code_version,
        "head_block": {"number": info.head.number, "block_id": info.head.block_id},
        "solid_block": {"number": info.solid.number, "block_id": info.solid.block_id},
        "solid_lag_blocks": info.head.number - info.solid.number,
        "scanner": {
            "cursor_block": cursor.block_number if cursor else None,
            "lag_blocks": info.head.number - cursor.block_number if cursor else None,
            "updated_at": cursor.updated_at if cursor else None,
        },
        "chain_parameters": {p.key: p.value for p in reads.chain_parameters(node)},
    }


def _transaction_summary(tx: BlockTransaction) -> dict[str, Any]:
    return {
        "txid": tx.txid,
        "contract_type": tx.contract_type,
        "succeeded": tx.succeeded,
        "owner_address": _base58_or_empty(tx.owner_hex),
        "to_address": _base58_or_empty(tx.to_hex),
        "amount": tx.amount,
        "contract_address": _base58_or_empty(tx.contract_hex),
    }


def block_detail(node: TronNode, number: int) -> dict[str, Any]:
    if not 0 <= number <= MAX_BLOCK_NUMBER:
        raise InvalidInput(
            f"{number} is not a block number.",
            code="invalid_block_number",
            fields={"number": [f"Must be within 0..{MAX_BLOCK_NUMBER}."]},
        )
    block = reads.block_by_number(node, number)
    if block is None:
        raise NotFound(f"No block {number} on this chain (yet).", code="block_not_found")
    solid = reads.node_info(node).solid
    return {
        "number": block.number,
        "block_id": block.block_id,
        "parent_id": block.parent_id,
        "timestamp_ms": block.timestamp_ms,
        "solidified": block.number <= solid.number,
        "transactions": [_transaction_summary(tx) for tx in block.transactions],
    }


def account_detail(node: TronNode, address: str) -> dict[str, Any]:
    found = accounts.account(node, address)
    return {
        "address": found.address,
        "exists": found.exists,
        "balance_sun": found.balance_sun,
        "create_time_ms": found.create_time_ms,
        "frozen_sun": dict(found.frozen_sun),
        "unfreezing": [asdict(item) for item in found.unfreezing],
        "resources": asdict(found.resources),
    }


def _our_status(txid: str, *, client_id: int) -> dict[str, Any] | None:
    """What the platform knows of ``txid`` that ``client_id`` may see: a copy sent or relayed
    for that client, transfers touching addresses watched for that client (see tenancy)."""
    network = settings.TRON_NETWORK
    attempt = (
        OutgoingAttempt.objects.filter(network=network, txid=txid, outgoing__client_id=client_id)
        .select_related("outgoing")
        .first()
    )
    rows = list(
        ChainTransfer.objects.filter(network=network, txid=txid)
        .order_by("index")
        .values("index", "asset", "status", "amount", "from_address", "to_address")
    )
    mine = addresses_of_client(
        network=network,
        addresses={row["from_address"] for row in rows} | {row["to_address"] for row in rows},
        client_id=client_id,
    )
    transfers = [
        {key: row[key] for key in ("index", "asset", "status", "amount", "to_address")}
        for row in rows
        if row["from_address"] in mine or row["to_address"] in mine
    ]
    if attempt is None and not transfers:
        return None
    return {
        "outgoing": None
        if attempt is None
        else {
            "status": attempt.outgoing.status,
            "copy_status": attempt.status,
            "origin": attempt.outgoing.origin,
            "failure_code": attempt.outgoing.failure_code,
        },
        "transfers": transfers,
    }


def transaction_detail(node: TronNode, txid: str, *, client_id: int) -> dict[str, Any]:
    """Chain facts of ``txid`` for anyone; our status only as far as ``client_id`` may see
    it. Not on chain and nothing of the caller's: 404, whatever else we hold."""
    if not TXID_PATTERN.fullmatch(txid):
        raise InvalidInput(
            "A txid is 64 hex characters.",
            code="invalid_txid",
            fields={"txid": ["Must be 64 hex characters."]},
        )
    txid = txid.lower()
    tx = node.post("wallet/gettransactionbyid", {"value": txid})
    ours = _our_status(txid, client_id=client_id)
    if not tx and ours is None:
        raise NotFound(f"No transaction {txid} on this chain.", code="transaction_not_found")
    info = reads.transaction_info(node, txid) if tx else None
    solid = reads.node_info(node).solid if info else None
    contract = (tx.get("raw_data", {}).get("contract") or [{}])[0] if tx else {}
    rets = tx.get("ret") or [{}] if tx else [{}]
    return {
        "txid": txid,
        "found_on_chain": bool(tx),
        "contract_type": contract.get("type", ""),
        "contract_result": rets[0].get("contractRet", ""),
        "block_number": info.block_number if info else None,
        "block_timestamp_ms": info.block_timestamp_ms if info else None,
        "solidified": bool(info and solid and info.block_number <= solid.number),
        "fee_sun": info.fee if info else None,
        "receipt_result": info.receipt_result if info else "",
        "raw_data": tx.get("raw_data") if tx else None,
        "platform": ours,
    }
