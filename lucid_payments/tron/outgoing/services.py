"""Recording outgoing transactions. Database only: safe inside a caller's transaction.

``outgoing_create`` records what to send; the worker (``steps.outgoing_process``, enqueued
when the caller's transaction commits) builds, signs, stores, broadcasts and tracks it.
``outgoing_relay_record`` records a transaction a client signed itself.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from lucid_payments.accounts.models import Client
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.core.inserts import insert_unless_taken
from lucid_payments.tron.adapter import rawtx
from lucid_payments.tron.adapter.transactions import SignedTransaction
from lucid_payments.tron.models import (
    OutgoingAttempt,
    OutgoingOrigin,
    OutgoingStatus,
    OutgoingTransaction,
)
from lucid_payments.tron.outgoing.contracts import ContractCall

logger = logging.getLogger(__name__)

MAX_MEMO_CHARS = 256


def _check_serializable(call: ContractCall, memo: str) -> None:
    """Refuse now, not in the worker, a call that could never be serialized."""
    probe = {
        "contract": [
            {"type": call.contract_type, "parameter": {"value": call.parameters}},
        ],
        "ref_block_bytes": "0000",
        "ref_block_hash": "00" * 8,
        "expiration": 1,
        "timestamp": 1,
        "fee_limit": call.fee_limit,
        "data": memo.encode().hex(),
    }
    try:
        rawtx.encode_raw_data(probe)
    except rawtx.RawTransactionError as exc:
        raise InvalidInput(str(exc), code="unsupported_transaction") from exc


def enqueue_process(outgoing_id: int) -> None:
    """Hand the transaction to a worker (django-q). Never raises: the sweep catches up."""
    from django_q.tasks import async_task

    try:
        async_task("lucid_payments.tron.outgoing.tasks.outgoing_process_task", outgoing_id)
    except Exception:  # a broker hiccup must not undo the caller's commit
        logger.exception("could not enqueue outgoing %s; the sweep will pick it up", outgoing_id)


def outgoing_create(
    *,
    call: ContractCall,
    reference: str,
    memo: str = "",
    client: Client | None = None,
    actor: AuditActor | None = None,
    enqueue: bool = True,
    in_this_worker: bool = False,
) -> OutgoingTransaction:
    """Record a transaction to send, once per ``reference`` (e.g. ``"payout:42"``).

    ``client`` is the tenant it is sent for (a client's payout or transfer); that client's
    API keys then see its status in the tron-client API. Leave it empty for the platform's
    own transactions, which no client sees.

    The same reference with the same call returns the existing row; with a different call
    it raises ``Conflict``. Nothing is signed or sent here: the worker does that after the
    surrounding transaction commits, so a rolled-back caller never sends anything.
    ``in_this_worker``: the caller is itself a worker, which then signs and broadcasts the
    transaction right after that commit instead of handing it to another worker (one
    task less, and no wait in the queue).
    """
    if not reference or len(reference) > 128:
        raise InvalidInput("reference must be 1-128 characters", fields={"reference": ["Invalid."]})
    if len(memo) > MAX_MEMO_CHARS:
        raise InvalidInput("memo too long", fields={"memo": [f"At most {MAX_MEMO_CHARS}."]})
    _check_serializable(call, memo)
    network = settings.TRON_NETWORK
    wanted: dict[str, Any] = {
        "contract_type": call.contract_type,
        "parameters": call.parameters,
        "owner_address": call.owner_address,
        "fee_limit": call.fee_limit,
        "memo": memo,
        "client_id": None if client is None else client.pk,
    }
    outgoing = OutgoingTransaction(network=network, reference=reference, **wanted)
    # One statement for the usual case (a new reference); a concurrent create of the same
    # reference is waited for and then read, never an error.
    if not insert_unless_taken(outgoing, conflict=("network", "reference")):
        outgoing = OutgoingTransaction.objects.get(network=network, reference=reference)
        if any(getattr(outgoing, key) != value for key, value in wanted.items()):
            raise Conflict(
                f"reference {reference!r} was already used for a different transaction",
                code="reference_reused",
            )
        return outgoing
    audit_log(
        actor=actor or AuditActor.system("tron.outgoing"),
        action="tron.outgoing.created",
        target=outgoing,
        data={"reference": reference, "contract_type": call.contract_type, **call.parameters},
        client_id=outgoing.client_id,
    )
    if in_this_worker:
        transaction.on_commit(lambda: _process_here(outgoing.pk))
    elif enqueue:
        transaction.on_commit(lambda: enqueue_process(outgoing.pk))
    return outgoing


def _process_here(outgoing_id: int) -> None:
    from lucid_payments.tron.outgoing.steps import outgoing_process

    try:
        outgoing_process(outgoing_id)
    except Exception:  # the caller's commit stands; like a lost task, the sweep takes it
        logger.exception(
            "outgoing %s failed in this worker; the sweep will pick it up", outgoing_id
        )


def outgoing_relay_record(
    *,
    signed: SignedTransaction,
    contract_type: str,
    owner_address: str,
    client: Client,
    actor: AuditActor | None = None,
) -> tuple[OutgoingTransaction, bool]:
    """Record a client-signed transaction before relaying it; idempotent on its txid.

    The row belongs to ``client``. A transaction already recorded (relayed by another
    client, or our own) keeps its owner: the existing row is returned untouched.
    Returns the row and whether it was new.
    """
    network = settings.TRON_NETWORK
    existing = OutgoingAttempt.objects.filter(network=network, txid=signed.txid).first()
    if existing is not None:
        return existing.outgoing, False
    contract = signed.raw_data["contract"][0]
    try:
        with transaction.atomic():
            outgoing = OutgoingTransaction.objects.create(
                network=network,
                reference=f"relay:{signed.txid}",
                origin=OutgoingOrigin.RELAY,
                client=client,
                contract_type=contract_type,
                parameters=contract.get("parameter", {}).get("value", {}),
                owner_address=owner_address,
                fee_limit=int(signed.raw_data.get("fee_limit", 0)),
                status=OutgoingStatus.SIGNED,
                txid=signed.txid,
                attempt_count=1,
            )
            OutgoingAttempt.objects.create(
                outgoing=outgoing,
                network=network,
                txid=signed.txid,
                raw_data=signed.raw_data,
                raw_data_hex=signed.raw_data_hex,
                signature=signed.signature,
                expiration_ms=signed.expiration_ms,
            )
            audit_log(
                actor=actor or AuditActor.system("tron.relay"),
                action="tron.outgoing.relayed",
                target=outgoing,
                data={"txid": signed.txid, "contract_type": contract_type},
            )
    except IntegrityError:
        # The same transaction relayed twice at once: the other request stored it. Any
        # other integrity failure (no such row after all) is a bug and must not pass.
        attempt = OutgoingAttempt.objects.filter(network=network, txid=signed.txid).first()
        if attempt is None:
            raise
        return attempt.outgoing, False
    return outgoing, True
