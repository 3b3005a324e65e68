"""Relaying a transaction a client signed itself (POST /api/v1/transactions/broadcast).

Checked before anything is stored or sent: the bytes parse, the txid is sha256 of them,
the JSON ``raw_data`` serializes to exactly those bytes (the node rebuilds the transaction
from the JSON, so a mismatch would broadcast something other than what was signed), the one
signature recovers to the contract's owner, and the expiration lies in the window the node
accepts. The transaction is then stored like our own (so it is tracked to final) and sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lucid_payments.accounts.models import Client
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import InvalidInput
from lucid_payments.tron.adapter import rawtx, reads
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.transactions import (
    MAX_EXPIRATION_MS,
    BroadcastOutcome,
    SignedTransaction,
    broadcast,
)
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.models import OutgoingTransaction
from lucid_payments.tron.outgoing.contracts import MAX_FEE_LIMIT_SUN
from lucid_payments.tron.outgoing.services import outgoing_relay_record
from lucid_payments.tron.outgoing.steps import outgoing_broadcast
from lucid_payments.tron.signing import recover_address


@dataclass(frozen=True)
class ClientTransaction:
    raw_data: dict[str, Any]
    raw_data_hex: str
    signatures: list[str]
    txid: str = ""  # optional: checked if given


@dataclass(frozen=True)
class RelayResult:
    outgoing: OutgoingTransaction
    # None when nothing was sent now: the chain already decided, or the node did not answer.
    outcome: BroadcastOutcome | None
    new: bool
    txid: str
    # False when the transaction was already recorded for someone else (another client
    # relayed it first, or it is the platform's own): it was passed to the node again, but
    # its tracking is not the caller's to see.
    tracked: bool = True


def _invalid(field: str, message: str, code: str = "invalid_transaction") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def relay_validate(
    transaction: ClientTransaction, *, head_timestamp_ms: int
) -> tuple[SignedTransaction, rawtx.RawSummary]:
    """The checks of the module doc; ``InvalidInput`` naming the offending field."""
    try:
        raw = bytes.fromhex(transaction.raw_data_hex)
        summary = rawtx.read_raw(raw)
    except (ValueError, rawtx.RawTransactionError) as exc:
        raise _invalid("raw_data_hex", f"not a transaction: {exc}") from exc
    if transaction.txid and transaction.txid.lower() != summary.txid:
        raise _invalid("txID", "txID is not sha256 of raw_data_hex", code="txid_mismatch")
    try:
        rebuilt = rawtx.encode_raw_data(transaction.raw_data)
    except rawtx.UnsupportedContract as exc:
        raise _invalid("raw_data", str(exc), code="unsupported_transaction") from exc
    except rawtx.RawTransactionError as exc:
        raise _invalid("raw_data", f"not a transaction: {exc}") from exc
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise _invalid(
            "raw_data", "not a transaction in the node's JSON form (hex 41… addresses)"
        ) from exc
    if rebuilt != raw:
        raise _invalid(
            "raw_data", "raw_data does not serialize to raw_data_hex", code="raw_data_mismatch"
        )
    fee_limit = transaction.raw_data.get("fee_limit", 0)
    if not 0 <= fee_limit <= MAX_FEE_LIMIT_SUN:  # an int by now: it serialized
        raise _invalid("raw_data.fee_limit", f"fee_limit must be within 0..{MAX_FEE_LIMIT_SUN} SUN")
    if len(transaction.signatures) != 1:
        raise _invalid("signature", "exactly one signature is supported")
    try:
        signature = bytes.fromhex(transaction.signatures[0])
    except ValueError as exc:
        raise _invalid("signature", "signature is not hex") from exc
    owner = hex_to_base58(summary.owner_address_hex)
    try:
        signed_by = recover_address(bytes.fromhex(summary.txid), signature)
    except InvalidInput as exc:
        raise _invalid("signature", exc.message, code="bad_signature") from exc
    if signed_by != owner:
        raise _invalid(
            "signature", f"signed by {signed_by}, not the owner {owner}", code="bad_signature"
        )
    if summary.expiration_ms <= head_timestamp_ms:
        raise _invalid("raw_data.expiration", "the transaction has expired", code="expired")
    if summary.expiration_ms > head_timestamp_ms + MAX_EXPIRATION_MS:
        raise _invalid(
            "raw_data.expiration", "expiration is more than 24 h ahead", code="expiration_too_far"
        )
    # Store the canonical v (0/1) form: the same bytes whatever client signed it.
    v = signature[64] - 27 if signature[64] >= 27 else signature[64]
    signed = SignedTransaction(
        txid=summary.txid,
        raw_data=transaction.raw_data,
        raw_data_hex=raw.hex(),
        signature=(signature[:64] + bytes([v])).hex(),
        expiration_ms=summary.expiration_ms,
    )
    return signed, summary


def relay_signed_transaction(
    transaction: ClientTransaction,
    *,
    client: Client,
    node: TronNode,
    now: datetime,
    actor: AuditActor,
) -> RelayResult:
    """Validate, store for ``client`` (idempotent on txid), then broadcast outside any
    transaction.

    A transaction already recorded for someone else is sent to the node as it is and
    nothing of ours is changed or shown: whoever holds a signed transaction may broadcast
    it anywhere, but our status of it belongs to its owner.
    """
    head = reads.now_block(node)
    signed, summary = relay_validate(transaction, head_timestamp_ms=head.timestamp_ms)
    outgoing, new = outgoing_relay_record(
        signed=signed,
        contract_type=summary.contract_type,
        owner_address=hex_to_base58(summary.owner_address_hex),
        client=client,
        actor=actor,
    )
    if outgoing.client_id != client.pk:
        # NodeUnavailable propagates (503): unlike an owner's relay, nothing is kept to
        # re-send on this caller's behalf.
        answer = broadcast(node, signed.to_broadcast_json())
        return RelayResult(
            outgoing=outgoing, outcome=answer, new=False, txid=signed.txid, tracked=False
        )
    outcome = outgoing_broadcast(outgoing.pk, node=node, now=now)
    outgoing.refresh_from_db()
    return RelayResult(outgoing=outgoing, outcome=outcome, new=new, txid=signed.txid)
