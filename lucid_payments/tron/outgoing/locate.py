"""Where a sweep round's in-flight copies are, from one node read per block.

Asking the node about each copy (``gettransactioninfobyid``, solidified and not) costs two
reads per transaction and round; with hundreds in flight that is most of a round. A copy
can only be in a block after its reference block (TaPoS: the transaction names that block,
so it must already exist) and up to the head, and every copy in flight was signed moments
ago: reading ``gettransactioninfobyblocknum`` once for each block of that short range
finds all of them at once.

A solidified block's receipts are read once and kept by the node object (they cannot
change), so the blocks a copy waits in for solidification are not read again each round.
The reads go to the node the round pinned, the solidified head read FIRST: a block at or
below that head is solidified, so a copy found there is final (or failed) for good, and
one found above it is in a block that a fork can still take out, exactly what the two
per-transaction reads would have told. A copy not found is in none of the blocks read.
Whatever this cannot answer (a copy older than ``MAX_SEARCH_BLOCKS`` blocks, a copy last
seen in a block that no longer holds it, an expiry to prove) the per-transaction reads of
``steps.outgoing_track`` still decide.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.types import Block, TransactionInfo
from lucid_payments.tron.models import AttemptStatus, OutgoingAttempt
from lucid_payments.tron.outgoing import transitions

# Blocks one round reads at most: a copy whose possible blocks are more is looked up by
# txid instead. Mainnet solidifies ~19 blocks behind the head, so a copy on its way to
# final spans about 20 blocks; one that has waited far longer is rare and not worth more.
MAX_SEARCH_BLOCKS = 40
# TaPoS names the reference block by the low 16 bits of its number.
_REF_NUMBER_SPAN = 1 << 16
# Where a node keeps the receipts of the solidified blocks a round read (``_block_infos``).
_SOLID_BLOCKS_KEY = "outgoing_locate.solid_block_infos"


@dataclass(frozen=True)
class Located:
    """What the round's block reads say of one live copy (as it was when loaded)."""

    attempt: OutgoingAttempt
    info: TransactionInfo | None  # None: in none of the blocks it could be in
    solid: bool  # found at or below the solidified head

    def idle(self, *, solid_head: Block, now: datetime, rebroadcast_after: timedelta) -> bool:
        """Nothing to do this round: still in the unsolidified block it was recorded in,
        or sent and in no block, not expired, and no re-send due."""
        attempt = self.attempt
        if self.info is not None:
            return (
                not self.solid
                and attempt.status == AttemptStatus.INCLUDED
                and attempt.block_number == self.info.block_number
            )
        return (
            attempt.status in (AttemptStatus.BROADCAST, AttemptStatus.REJECTED)
            and solid_head.timestamp_ms <= attempt.expiration_ms
            and attempt.last_broadcast_at is not None
            and now - attempt.last_broadcast_at < rebroadcast_after
        )


def ref_block_number(ref_block_bytes: str, *, head_number: int) -> int:
    """The number of the reference block (at or below ``head_number``, within 65,536)."""
    low = int(ref_block_bytes, 16)
    return head_number - ((head_number - low) % _REF_NUMBER_SPAN)


def _first_block(attempt: OutgoingAttempt, *, head_number: int) -> int | None:
    """The lowest block that can hold the copy; None if the search should not cover it."""
    if attempt.status == AttemptStatus.INCLUDED and attempt.block_number is not None:
        first = attempt.block_number  # a fork moving it elsewhere is left to the txid reads
    else:
        try:
            ref = ref_block_number(
                str(attempt.raw_data["ref_block_bytes"]), head_number=head_number
            )
        except (KeyError, TypeError, ValueError):
            return None
        first = ref + 1
    # An older copy (one whose final step keeps failing, a worker down for minutes) goes to
    # the txid reads: one such row must not make every round read the chain up from it.
    return first if head_number - first < MAX_SEARCH_BLOCKS else None


def _block_infos(node: TronNode, number: int, *, solid_number: int) -> list[TransactionInfo]:
    """The receipts of block ``number``. A solidified block never changes, so its receipts
    are read once per node: a copy on its way to final is searched for round after round,
    and without this every round would read again the blocks it has already solidified
    in. Only the last ``MAX_SEARCH_BLOCKS`` such blocks are kept."""
    if number > solid_number:
        return reads.transaction_infos_by_block(node, number)
    kept: OrderedDict[int, list[TransactionInfo]] = node.recall_or_read(
        _SOLID_BLOCKS_KEY, max_age_s=math.inf, read=OrderedDict
    )
    infos = kept.get(number)
    if infos is None:
        infos = reads.transaction_infos_by_block(node, number)
        kept[number] = infos
        while len(kept) > MAX_SEARCH_BLOCKS:
            try:
                kept.popitem(last=False)  # the oldest read: rounds move up the chain
            except KeyError:  # another thread emptied it first
                break
    return infos


def outgoing_locate(
    node: TronNode, *, solid_head: Block, head: Block, outgoing_ids: Iterable[int]
) -> dict[int, Located]:
    """For each transaction of ``outgoing_ids`` whose live copy is undecided and recent,
    where the blocks up to ``head`` put it (keyed by outgoing id). ``solid_head`` must
    have been read before ``head`` and both from ``node`` (pinned)."""
    attempts = list(
        OutgoingAttempt.objects.filter(
            outgoing_id__in=list(outgoing_ids), status__in=transitions.UNDECIDED
        ).only(
            "id",
            "outgoing_id",
            "txid",
            "raw_data",
            "status",
            "expiration_ms",
            "last_broadcast_at",
            "block_number",
        )
    )
    first_blocks = {
        attempt.pk: first
        for attempt in attempts
        if (first := _first_block(attempt, head_number=head.number)) is not None
    }
    if not first_blocks:
        return {}
    wanted = {attempt.txid for attempt in attempts if attempt.pk in first_blocks}
    found: dict[str, TransactionInfo] = {}
    for number in range(min(first_blocks.values()), head.number + 1):
        for block_info in _block_infos(node, number, solid_number=solid_head.number):
            if block_info.txid in wanted:
                found[block_info.txid] = block_info
    located: dict[int, Located] = {}
    for attempt in attempts:
        if attempt.pk not in first_blocks:
            continue
        info = found.get(attempt.txid)
        if info is None and attempt.status == AttemptStatus.INCLUDED:
            continue  # its block no longer holds it: a fork, for the txid reads to judge
        solid = info is not None and info.block_number <= solid_head.number
        located[attempt.outgoing_id] = Located(attempt=attempt, info=info, solid=solid)
    return located
