"""Rescan a range of blocks the scanner already passed: picks up transfers of addresses
watched after their blocks were scanned, and repairs anything missing. Idempotent: a
transfer already recorded for the same block is left alone and publishes no event.

Only blocks at or below the scanner's cursor are rescanned (the scanner owns the rest),
and each batch is written under the network's scanner lock so a running scanner and a
rescan never insert the same transfer twice.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.reads import MAX_BLOCKS_PER_RANGE
from lucid_payments.tron.models import ScanCursor, ScannedBlock
from lucid_payments.tron.scanner.extract import FetchedBlock, transfers_in_block
from lucid_payments.tron.scanner.fetch import fetch_batch
from lucid_payments.tron.scanner.lock import scanner_lock
from lucid_payments.tron.scanner.record import finalized_anchor, store_transfers
from lucid_payments.tron.watch import WatchSet

Progress = Callable[[int], None]  # called with the number of blocks just done


@dataclass
class RescanReport:
    first: int
    last: int
    blocks: int = 0
    recorded: int = 0
    skipped_unconfirmed: int = 0


def rescan_range(
    *,
    first: int,
    last: int,
    network: str | None = None,
    node: TronNode | None = None,
    progress: Progress | None = None,
    lock_timeout_s: float = 60.0,
) -> RescanReport:
    """Rescan blocks ``first..last`` (inclusive)."""
    network = network or settings.TRON_NETWORK
    node = node or get_node()
    if first < 0 or last < first:
        raise InvalidInput(f"Bad range {first}..{last}.")
    cursor = ScanCursor.objects.filter(network=network).first()
    if cursor is None or cursor.block_number < first:
        raise InvalidInput("The scanner has not reached that range yet; nothing to rescan.")
    last = min(last, cursor.block_number)
    report = RescanReport(first=first, last=last)
    watched = WatchSet(network)
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="tron-rescan") as pool:
        start = first
        while start <= last:
            end = min(last + 1, start + MAX_BLOCKS_PER_RANGE)
            batch = fetch_batch(node, start, end, pool=pool)
            if not batch:
                raise Conflict(f"The node did not give a usable block at {start}; try again.")
            watched.refresh()
            _record(network, batch, watched, report, lock_timeout_s)
            report.blocks += len(batch)
            if progress is not None:
                progress(len(batch))
            start = batch[-1].block.number + 1
    return report


def _record(
    network: str,
    batch: list[FetchedBlock],
    watched: WatchSet,
    report: RescanReport,
    lock_timeout_s: float,
) -> None:
    now = timezone.now()
    with scanner_lock(network, wait_s=lock_timeout_s) as acquired:
        if not acquired:
            raise Conflict("The scanner lock stayed busy; try the rescan again.")
        with transaction.atomic():
            anchor = finalized_anchor(network)
            unconfirmed = dict(
                ScannedBlock.objects.filter(
                    network=network, number__gte=batch[0].block.number, solidified=False
                ).values_list("number", "block_id")
            )
            final_through = -1 if anchor is None else anchor
            blocks = []
            for fetched in batch:
                block = fetched.block
                found = transfers_in_block(fetched, watched)
                if not found:
                    continue
                if block.number > final_through and unconfirmed.get(block.number) != block.block_id:
                    # Above the solid anchor only the scanner's own fork logic may write.
                    report.skipped_unconfirmed += 1
                    continue
                blocks.append((block, found))
            stored = store_transfers(network, blocks, now=now, final_through=final_through)
            report.recorded += stored.changed
