"""The worker's side of an outgoing transaction: sign, broadcast, track, rebuild.

Rules that make "on chain exactly once" hold whatever fails when:
- a signed copy is stored (``transitions.record_signed``) before it is ever broadcast;
- network calls happen outside database transactions; results are recorded afterwards by
  a transition that locks and re-checks;
- re-broadcasting a stored copy is always safe (same txid; ``DUP_TRANSACTION_ERROR``);
- a new copy is built only after the old one is proven dead: the solidified chain's head
  is past its expiration (read FIRST) and the solidified chain does not hold its txid
  (looked up AFTER). No block after that head can include it, and every block up to it
  is solidified and was searched. Both reads go to one node (``TronNode.pinned``): a
  lagging failover node could miss a transaction the first node holds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from lucid_payments.core.errors import ApplicationError
from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.errors import NodeUnavailable
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.transactions import (
    BroadcastOutcome,
    ChainReference,
    SignedTransaction,
    broadcast,
    build_raw_data,
    chain_reference_between,
    recent_chain_reference,
    sign_raw_data,
)
from lucid_payments.tron.adapter.types import Block
from lucid_payments.tron.models import (
    AttemptStatus,
    OutgoingAttempt,
    OutgoingOrigin,
    OutgoingStatus,
    OutgoingTransaction,
)
from lucid_payments.tron.models.outgoing import ACTIVE_STATUSES
from lucid_payments.tron.outgoing import transitions
from lucid_payments.tron.outgoing.claims import outgoing_claim, outgoing_release
from lucid_payments.tron.outgoing.locate import Located, outgoing_locate
from lucid_payments.tron.outgoing.lock_retry import run_retrying_lock_conflicts
from lucid_payments.tron.outgoing.timestamps import timestamp_allocate
from lucid_payments.tron.signing import Signer, signer_for

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# How long a sweep signs against the heads it read at the start of its round.
REFERENCE_MAX_AGE_S = 1.0
# Fresh copies tried when the one just signed turns out to be another intent's transaction
# (each gets a new timestamp, so a second clash would take a second identical relay).
SIGN_TRIES = 3


def expiration_ms() -> int:
    return int(settings.TRON_TX_EXPIRATION_MS)


def rebroadcast_after() -> timedelta:
    return timedelta(seconds=settings.TRON_TX_REBROADCAST_S)


def max_attempts() -> int:
    return int(settings.TRON_TX_MAX_ATTEMPTS)


def live_attempt(outgoing_id: int) -> OutgoingAttempt | None:
    """The one copy that is not proven dead (the database allows at most one)."""
    return (
        OutgoingAttempt.objects.filter(outgoing_id=outgoing_id)
        .exclude(status=AttemptStatus.EXPIRED)
        .first()
    )


def outgoing_sign(
    outgoing_id: int,
    *,
    node: TronNode,
    signer: Signer | None = None,
    reference: ChainReference | None = None,
) -> OutgoingAttempt | None:
    """Build and sign a copy of a PENDING transaction and store it (not broadcast).

    Returns the stored copy, or None if the transaction was not waiting for one. A copy
    built by a worker that then loses the race to store is simply thrown away: it was
    never broadcast. Every copy gets a timestamp its sender never used before, so two
    intents with the same sender, recipient and amount never share a txid; should one
    still clash with a stored transaction, a fresh copy is built (``TxidTaken`` if all
    ``SIGN_TRIES`` clash; the transaction stays PENDING for the next round). A sweep
    passes the ``reference`` it read once for all the copies of its round.
    """
    outgoing = OutgoingTransaction.objects.get(pk=outgoing_id)
    if outgoing.status != OutgoingStatus.PENDING or outgoing.origin != OutgoingOrigin.PLATFORM:
        return None
    signer = signer or signer_for(outgoing.owner_address)
    reference = reference or recent_chain_reference(
        node, max_age_s=float(settings.TRON_TX_REFERENCE_REUSE_S)
    )
    for _ in range(SIGN_TRIES - 1):
        try:
            return transitions.record_signed(
                outgoing_id, _signed_copy(outgoing, reference=reference, signer=signer)
            )
        except transitions.TxidTaken as exc:
            logger.warning("outgoing %s: %s; signing a fresh copy", outgoing_id, exc)
    return transitions.record_signed(
        outgoing_id, _signed_copy(outgoing, reference=reference, signer=signer)
    )


def _signed_copy(
    outgoing: OutgoingTransaction, *, reference: ChainReference, signer: Signer
) -> SignedTransaction:
    """A new signed copy of ``outgoing``, under a timestamp its sender never used."""
    timestamp = timestamp_allocate(
        network=outgoing.network,
        owner_address=outgoing.owner_address,
        not_before_ms=reference.head_timestamp_ms,
    )
    raw_data = build_raw_data(
        contract_type=outgoing.contract_type,
        parameters=outgoing.parameters,
        reference=reference,
        expiration_ms=expiration_ms(),
        fee_limit=outgoing.fee_limit,
        memo=outgoing.memo,
        timestamp_ms=timestamp,
    )
    return sign_raw_data(raw_data, signer)


def outgoing_broadcast(
    outgoing_id: int,
    *,
    node: TronNode,
    now: datetime,
    attempt: OutgoingAttempt | None = None,
) -> BroadcastOutcome | None:
    """Send the stored copy once more and record the answer.

    None when there is nothing to send, or the node did not answer (then nobody knows
    whether it got through, and the tracker will find out from the chain). ``attempt``:
    the copy just stored by this worker, so it is not read again (recording the answer
    locks and re-checks it anyway).
    """
    attempt = attempt or live_attempt(outgoing_id)
    if attempt is None or attempt.status not in transitions.SENDABLE:
        return None
    try:
        outcome = broadcast(node, attempt.signed_transaction())
    except NodeUnavailable as exc:
        logger.warning("broadcast of %s got no answer: %s", attempt.txid, exc.message)
        return None
    transitions.record_broadcast(outgoing_id, attempt.pk, outcome, now=now)
    return outcome


def outgoing_track(
    outgoing_id: int,
    *,
    node: TronNode,
    now: datetime,
    solid_head: Block | None = None,
    located: Located | None = None,
) -> bool:
    """Ask the chain where the live copy is and record it; re-send or expire it as due.
    True when it expired the copy: only then can the transaction want a fresh one.

    ``solid_head`` lets a sweep read the solidified head once for many transactions; it
    must have been read before this call (see the module doc for why the order matters).
    ``located`` is what the sweep's block reads (after that head, same node) found of the
    copy; it stands in for the two txid reads, except before an expiry, which is proven
    by those reads as always.
    """
    attempt = live_attempt(outgoing_id)
    if attempt is None or attempt.status not in transitions.UNDECIDED:
        return False
    if solid_head is None or not node.is_pinned:
        # Every read below must come from the node the solidified head came from; see
        # TronNode.pinned. A head read by an unpinned node may be another URL's.
        node = node.pinned()
        solid_head = reads.now_block(node, solid=True)
        located = None
    if located is not None and (
        located.attempt.pk != attempt.pk or located.attempt.status != attempt.status
    ):
        located = None  # the copy moved on since the sweep searched for it
    if (
        located is not None
        and located.info is None
        and solid_head.timestamp_ms > attempt.expiration_ms
    ):
        located = None  # about to be declared dead: the txid reads prove it
    if located is not None:
        solid_info = located.info if located.solid else None
    else:
        solid_info = reads.transaction_info(node, attempt.txid, solid=True)
    if solid_info is not None:
        # The final/failed transition runs every money hook: retried at once if the
        # database picks it as a deadlock victim, rather than a sweep later.
        run_retrying_lock_conflicts(
            lambda: transitions.record_solidified(outgoing_id, attempt.pk, solid_info, now=now)
        )
        return False
    if located is not None:
        info = located.info
    else:
        info = reads.transaction_info(node, attempt.txid)
    if info is not None:
        transitions.record_included(outgoing_id, attempt.pk, info)
        return False
    if attempt.status == AttemptStatus.INCLUDED:
        transitions.record_unincluded(outgoing_id, attempt.pk)
        attempt.refresh_from_db()
    if solid_head.timestamp_ms > attempt.expiration_ms:
        head = solid_head
        return run_retrying_lock_conflicts(
            lambda: transitions.record_expired(
                outgoing_id,
                attempt.pk,
                solid_number=head.number,
                solid_timestamp_ms=head.timestamp_ms,
                max_attempts=max_attempts(),
                now=now,
            )
        )
    last = attempt.last_broadcast_at
    if attempt.status == AttemptStatus.SIGNED or last is None or now - last >= rebroadcast_after():
        outgoing_broadcast(outgoing_id, node=node, now=now)
    return False


def outgoing_process(
    outgoing_id: int,
    *,
    node: TronNode | None = None,
    clock: Clock = timezone.now,
    solid_head: Block | None = None,
    reference: ChainReference | None = None,
    located: Located | None = None,
) -> str:
    """Move one transaction as far as it can go now. Safe to run twice, or concurrently:
    the claim keeps a second worker out, and every step re-checks under a lock anyway.
    A sweep passes what it read once for its whole round (``outgoing_sweep``).

    Returns the status it left the transaction in ("busy" if another worker holds it).
    """
    claim = outgoing_claim(outgoing_id, now=clock())
    if claim is None:
        return "busy"
    node = node or get_node()
    status = claim.status
    try:
        # At most: track (expires the copy) -> sign a fresh one -> broadcast it.
        for _ in range(3):
            if status == OutgoingStatus.PENDING:
                stored = outgoing_sign(outgoing_id, node=node, reference=reference)
                if stored is not None:
                    outgoing_broadcast(outgoing_id, node=node, now=clock(), attempt=stored)
                break
            if status not in ACTIVE_STATUSES:
                break
            expired = outgoing_track(
                outgoing_id, node=node, now=clock(), solid_head=solid_head, located=located
            )
            if not expired:
                break  # nothing to rebuild: the release below answers the status
            solid_head = located = None  # a second round (after a rebuild) reads afresh
            status = _status(outgoing_id)
            if status != OutgoingStatus.PENDING:
                break
    except NodeUnavailable as exc:
        logger.warning("outgoing %s: node unavailable (%s); will retry", outgoing_id, exc.message)
    except transitions.TxidTaken as exc:  # nothing stored: the next round signs afresh
        logger.warning("outgoing %s: %s; will retry", outgoing_id, exc)
    except ApplicationError as exc:  # e.g. no signer holds the key yet
        logger.warning("outgoing %s: %s", outgoing_id, exc.message)
    finally:
        released = outgoing_release(outgoing_id, token=claim.until)
    return released or _status(outgoing_id)


def _status(outgoing_id: int) -> str:
    # Only the status: the row's parameters and raw copies are not needed to decide.
    return str(
        OutgoingTransaction.objects.filter(pk=outgoing_id).values_list("status", flat=True).get()
    )


def outgoing_sweep(
    *, node: TronNode | None = None, clock: Clock = timezone.now, limit: int = 200
) -> int:
    """Process every active transaction of this network whose claim is free (oldest
    first). The scheduled safety net: catches work whose task was lost or whose worker
    died; and the tracker of everything in flight, found with one node read per block
    (``locate``), signed against one reference read per round. Returns how many it
    tracked (transactions with nothing to do this round count; busy ones do not)."""
    ids = list(
        OutgoingTransaction.objects.filter(
            network=settings.TRON_NETWORK, status__in=ACTIVE_STATUSES
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    # The whole round talks to one node, so the head read once here describes the same
    # chain as every lookup made with it (see TronNode.pinned).
    node = (node or get_node()).pinned()
    try:
        # One read for the whole round instead of one per transaction (a full block on a
        # real node); read before any lookup, as outgoing_track requires.
        solid_head = reads.now_block(node, solid=True)
        head = reads.now_block(node)
        read_at = time.monotonic()
    except NodeUnavailable as exc:
        logger.warning("outgoing sweep: node unavailable (%s); will retry", exc.message)
        return 0
    try:
        located = outgoing_locate(node, solid_head=solid_head, head=head, outgoing_ids=ids)
    except NodeUnavailable as exc:
        # One block read of many failed: the round goes on without the search, each
        # transaction asking for its own txid (and pending ones need no read at all).
        logger.warning("outgoing sweep: block search failed (%s); reading by txid", exc.message)
        located = {}
    round_reference = chain_reference_between(solid_head, head)
    processed = 0
    for outgoing_id in ids:
        # A long round signs its late copies against a fresh head: the expiration counts
        # from the head's time, and an old one would shorten every copy's life.
        fresh = time.monotonic() - read_at < REFERENCE_MAX_AGE_S
        reference = round_reference if fresh else None
        where = located.get(outgoing_id)
        if where is not None and where.idle(
            solid_head=solid_head, now=clock(), rebroadcast_after=rebroadcast_after()
        ):
            processed += 1  # looked at, and nothing to change: no claim, no lock
            continue
        try:
            if where is not None and where.info is not None:
                _record_found(outgoing_id, where, now=clock())
                status = "recorded"
            else:
                status = outgoing_process(
                    outgoing_id,
                    node=node,
                    clock=clock,
                    solid_head=solid_head,
                    reference=reference,
                    located=where,
                )
        except Exception:
            # One transaction that cannot move (a subscriber's bug, a row the database
            # refuses) must not hold up every other one behind it, round after round: log
            # it with its traceback and go on. It stays active; the next round tries again.
            logger.exception("outgoing sweep: %s failed; going on with the rest", outgoing_id)
            status = "failed"
        if status != "busy":
            processed += 1
    return processed


def _record_found(outgoing_id: int, where: Located, *, now: datetime) -> None:
    """Record the block the round's reads found the live copy in. No network call is left
    to make, so no claim is taken: the transition locks the rows and re-checks the copy,
    and a worker holding the claim meanwhile (broadcasting it again, say) records nothing
    that could undo this, nor this anything that could undo its work."""
    assert where.info is not None
    info, attempt_id = where.info, where.attempt.pk
    if where.solid:
        # The final/failed transition runs every money hook: retried at once if the
        # database picks it as a deadlock victim, rather than a sweep later.
        run_retrying_lock_conflicts(
            lambda: transitions.record_solidified(outgoing_id, attempt_id, info, now=now)
        )
    else:
        transitions.record_included(outgoing_id, attempt_id, info)
