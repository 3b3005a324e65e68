"""Every state change of an outgoing transaction and its attempts, in one place.

Each function is database-only and runs in its own transaction: lock the rows, re-check
that the change still applies (another worker may have got there first), save with
``update_fields``, write the audit row and tell the subscribers. A change that no longer
applies is skipped and reported by returning False, never forced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.tron.adapter.transactions import BroadcastOutcome, SignedTransaction
from lucid_payments.tron.adapter.types import TransactionInfo
from lucid_payments.tron.models import (
    AttemptStatus,
    OutgoingAttempt,
    OutgoingOrigin,
    OutgoingStatus,
    OutgoingTransaction,
)
from lucid_payments.tron.outgoing.hooks import notify_status_change

WORKER = AuditActor.system("tron.outgoing")

# Node refusals that a fresh copy would meet again: after the refused copy expires, the
# transaction fails instead of being rebuilt.
PERMANENT_REFUSALS = frozenset(
    {
        "CONTRACT_VALIDATE_ERROR",
        "CONTRACT_EXE_ERROR",
        "SIGERROR",
        "BANDWITH_ERROR",
        "TOO_BIG_TRANSACTION_ERROR",
    }
)
# Attempt states in which the copy may still be (re)sent.
SENDABLE = (AttemptStatus.SIGNED, AttemptStatus.BROADCAST, AttemptStatus.REJECTED)
# Attempt states still waiting for the chain to decide.
UNDECIDED = (*SENDABLE, AttemptStatus.INCLUDED)


TXID_UNIQUE = "tron_attempt_txid_unique"


class TxidTaken(Exception):
    """The signed copy serializes to a transaction already stored for another intent (e.g.
    a client relayed the very same bytes). Nothing was stored; build a fresh copy."""

    def __init__(self, txid: str) -> None:
        super().__init__(f"txid {txid} is already stored for another transaction")
        self.txid = txid


def _violates(exc: IntegrityError, constraint: str) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint


def _set_status(
    outgoing: OutgoingTransaction,
    status: OutgoingStatus,
    *,
    action: str,
    data: dict[str, Any],
    fields: tuple[str, ...] = (),
    receipt: TransactionInfo | None = None,
) -> None:
    """Save ``outgoing`` (already locked) in ``status``, audit it, notify subscribers."""
    previous = outgoing.status
    outgoing.status = status
    outgoing.save(update_fields=["status", "updated_at", *fields])
    audit_log(
        actor=WORKER,
        action=action,
        target=outgoing,
        data={"from": previous, **data},
        client_id=outgoing.client_id,
    )
    if previous != status:
        notify_status_change(outgoing, previous, receipt=receipt)


def _locked(outgoing_id: int, attempt_id: int) -> tuple[OutgoingTransaction, OutgoingAttempt]:
    outgoing = OutgoingTransaction.objects.select_for_update().get(pk=outgoing_id)
    attempt = OutgoingAttempt.objects.select_for_update().get(pk=attempt_id)
    return outgoing, attempt


def record_signed(outgoing_id: int, signed: SignedTransaction) -> OutgoingAttempt | None:
    """Store a signed copy, BEFORE anyone broadcasts it. None if the transaction was no
    longer waiting for one (another worker stored its own copy first).

    Raises ``TxidTaken`` (nothing stored) when another intent already holds that txid:
    broadcasting it would only repeat that intent's transaction, and this one would never
    be sent. The caller builds a fresh copy with a new timestamp.
    """
    with transaction.atomic():
        outgoing = OutgoingTransaction.objects.select_for_update().get(pk=outgoing_id)
        if outgoing.status != OutgoingStatus.PENDING:
            return None
        if outgoing.attempts.exclude(status=AttemptStatus.EXPIRED).exists():
            return None
        # No savepoint: a failed insert ends this whole block (TxidTaken or the error
        # itself leaves it), so there is nothing of ours left to keep.
        try:
            attempt = OutgoingAttempt.objects.create(
                outgoing=outgoing,
                network=outgoing.network,
                txid=signed.txid,
                raw_data=signed.raw_data,
                raw_data_hex=signed.raw_data_hex,
                signature=signed.signature,
                expiration_ms=signed.expiration_ms,
            )
        except IntegrityError as exc:
            if _violates(exc, TXID_UNIQUE):
                raise TxidTaken(signed.txid) from exc
            raise
        outgoing.txid = signed.txid
        outgoing.attempt_count += 1
        _set_status(
            outgoing,
            OutgoingStatus.SIGNED,
            action="tron.outgoing.signed",
            data={"txid": signed.txid, "expiration_ms": signed.expiration_ms},
            fields=("txid", "attempt_count"),
        )
        return attempt


def record_broadcast(
    outgoing_id: int, attempt_id: int, outcome: BroadcastOutcome, *, now: datetime
) -> bool:
    """Record a node's answer to one broadcast of ``attempt``."""
    with transaction.atomic():
        outgoing, attempt = _locked(outgoing_id, attempt_id)
        if attempt.status not in SENDABLE:
            return False  # the chain decided meanwhile; an old answer must not undo that
        attempt.broadcast_count += 1
        attempt.last_broadcast_at = now
        attempt.last_node_code = outcome.code
        attempt.last_node_message = outcome.message
        if outcome.accepted:
            attempt.status = AttemptStatus.BROADCAST
        elif attempt.status != AttemptStatus.BROADCAST:
            # Refused and never accepted before. Still tracked: a refusal from one node
            # does not prove that no other node holds the transaction.
            attempt.status = AttemptStatus.REJECTED
        attempt.save(
            update_fields=[
                "status",
                "broadcast_count",
                "last_broadcast_at",
                "last_node_code",
                "last_node_message",
                "updated_at",
            ]
        )
        if outcome.accepted:
            outgoing.failure_code = outgoing.failure_message = ""
        else:
            outgoing.failure_code, outgoing.failure_message = outcome.code, outcome.message
        if outcome.accepted and outgoing.status == OutgoingStatus.SIGNED:
            action = "tron.outgoing.broadcast"
            new_status = OutgoingStatus.BROADCAST
        else:
            action = "tron.outgoing.broadcast" if outcome.accepted else "tron.outgoing.refused"
            new_status = OutgoingStatus(outgoing.status)
        _set_status(
            outgoing,
            new_status,
            action=action,
            data={
                "txid": attempt.txid,
                "duplicate": outcome.duplicate,
                "code": outcome.code,
                "message": outcome.message,
            },
            fields=("failure_code", "failure_message"),
        )
        return True


def record_included(outgoing_id: int, attempt_id: int, info: TransactionInfo) -> bool:
    """The copy is in a block that is not solidified yet."""
    with transaction.atomic():
        outgoing, attempt = _locked(outgoing_id, attempt_id)
        if attempt.status not in SENDABLE and not (
            attempt.status == AttemptStatus.INCLUDED and attempt.block_number != info.block_number
        ):
            return False
        attempt.status = AttemptStatus.INCLUDED
        attempt.block_number = info.block_number
        attempt.block_timestamp_ms = info.block_timestamp_ms
        attempt.save(update_fields=["status", "block_number", "block_timestamp_ms", "updated_at"])
        outgoing.block_number = info.block_number
        outgoing.failure_code = outgoing.failure_message = ""
        _set_status(
            outgoing,
            OutgoingStatus.CONFIRMED,
            action="tron.outgoing.confirmed",
            data={"txid": attempt.txid, "block_number": info.block_number},
            fields=("block_number", "failure_code", "failure_message"),
        )
        return True


def record_unincluded(outgoing_id: int, attempt_id: int) -> bool:
    """A fork took the copy's block away; it is unexpired and goes back to the pool."""
    with transaction.atomic():
        outgoing, attempt = _locked(outgoing_id, attempt_id)
        if attempt.status != AttemptStatus.INCLUDED:
            return False
        attempt.status = AttemptStatus.BROADCAST
        attempt.block_number = attempt.block_timestamp_ms = None
        attempt.save(update_fields=["status", "block_number", "block_timestamp_ms", "updated_at"])
        outgoing.block_number = None
        _set_status(
            outgoing,
            OutgoingStatus.BROADCAST,
            action="tron.outgoing.unconfirmed",
            data={"txid": attempt.txid},
            fields=("block_number",),
        )
        return True


def record_solidified(
    outgoing_id: int, attempt_id: int, info: TransactionInfo, *, now: datetime
) -> bool:
    """The copy is in a solidified block: final, or failed on chain (fee burned)."""
    with transaction.atomic():
        outgoing, attempt = _locked(outgoing_id, attempt_id)
        if attempt.status not in UNDECIDED:
            return False
        failed = info.failed or info.receipt_result not in ("", "SUCCESS")
        attempt.status = AttemptStatus.FAILED if failed else AttemptStatus.FINAL
        attempt.block_number = info.block_number
        attempt.block_timestamp_ms = info.block_timestamp_ms
        attempt.save(update_fields=["status", "block_number", "block_timestamp_ms", "updated_at"])
        outgoing.block_number = info.block_number
        outgoing.fee = info.fee
        outgoing.withdraw_amount = 0 if failed else info.withdraw_amount
        outgoing.withdraw_expire_amount = 0 if failed else info.withdraw_expire_amount
        outgoing.finished_at = now
        if failed:
            outgoing.failure_code = info.receipt_result or info.result
            outgoing.failure_message = info.message
        else:
            outgoing.failure_code = outgoing.failure_message = ""
        _set_status(
            outgoing,
            OutgoingStatus.FAILED if failed else OutgoingStatus.FINAL,
            action="tron.outgoing.failed" if failed else "tron.outgoing.final",
            data={
                "txid": attempt.txid,
                "block_number": info.block_number,
                "fee": info.fee,
                "result": info.receipt_result or info.result,
            },
            fields=(
                "block_number",
                "fee",
                "withdraw_amount",
                "withdraw_expire_amount",
                "finished_at",
                "failure_code",
                "failure_message",
            ),
            receipt=info,
        )
        return True


def record_expired(
    outgoing_id: int,
    attempt_id: int,
    *,
    solid_number: int,
    solid_timestamp_ms: int,
    max_attempts: int,
    now: datetime,
) -> bool:
    """The solidified chain passed the copy's expiration without it: it can never land.

    The transaction goes back to PENDING for a fresh copy, or FAILED when a fresh copy
    would meet the same refusal, when it was relayed (we hold no key), or when it has used
    up its attempts.
    """
    with transaction.atomic():
        outgoing, attempt = _locked(outgoing_id, attempt_id)
        if attempt.status not in SENDABLE:
            return False
        refused_for_good = (
            attempt.status == AttemptStatus.REJECTED
            and attempt.last_node_code in PERMANENT_REFUSALS
        )
        attempt.status = AttemptStatus.EXPIRED
        attempt.save(update_fields=["status", "updated_at"])
        data = {
            "txid": attempt.txid,
            "expiration_ms": attempt.expiration_ms,
            "solid_block": solid_number,
            "solid_timestamp_ms": solid_timestamp_ms,
        }
        audit_log(
            actor=WORKER,
            action="tron.outgoing.expired",
            target=outgoing,
            data=data,
            client_id=outgoing.client_id,
        )
        if refused_for_good:
            failure = (attempt.last_node_code, attempt.last_node_message)
        elif outgoing.origin == OutgoingOrigin.RELAY:
            failure = ("expired", "The transaction expired before it was included.")
        elif outgoing.attempt_count >= max_attempts:
            failure = ("gave_up", f"{outgoing.attempt_count} signed copies expired unincluded.")
        else:
            failure = None
        if failure is None:
            outgoing.txid = ""
            _set_status(
                outgoing,
                OutgoingStatus.PENDING,
                action="tron.outgoing.rebuild_due",
                data=data,
                fields=("txid",),
            )
        else:
            outgoing.failure_code, outgoing.failure_message = failure
            outgoing.finished_at = now
            _set_status(
                outgoing,
                OutgoingStatus.FAILED,
                action="tron.outgoing.failed",
                data={**data, "code": failure[0], "message": failure[1]},
                fields=("failure_code", "failure_message", "finished_at"),
            )
        return True
