"""The block scanner: walk the chain from the stored cursor, record transfers touching
watched addresses, mark them final when their block is solidified, undo forks.

One pass (``BlockScanner.scan``) is bounded and safe to run twice or concurrently: the
caller holds the network's advisory lock (``scanner.lock``), every write is one
transaction that moves the cursor together with the rows, and a pass that dies anywhere
leaves the database at the end of some batch, from where the next pass continues.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings

from lucid_payments.tron.adapter.errors import NodeBadResponse
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.reads import (
    MAX_BLOCKS_PER_RANGE,
    block_by_number,
    blocks_in_range,
    node_info,
)
from lucid_payments.tron.adapter.types import BlockRef, NodeInfo
from lucid_payments.tron.models import ScanCursor, ScannedBlock
from lucid_payments.tron.scanner.extract import FetchedBlock
from lucid_payments.tron.scanner.fetch import ScanBatch, fetch_scan_batch
from lucid_payments.tron.scanner.record import (
    AfterBlock,
    finalize_through,
    finalized_anchor,
    get_or_create_cursor,
    no_cursor_block,
    record_batch,
    rewind_to,
)
from lucid_payments.tron.watch import WatchSet

logger = logging.getLogger(__name__)

# A pass stops after this many fork rewinds: a node flapping between forks must not keep
# us busy forever; the next pass tries again.
MAX_REWINDS_PER_PASS = 3
INFO_FETCH_THREADS = 4


class ChainMismatch(NodeBadResponse):
    """A block we saw solidified is no longer on the node's chain: wrong network or a
    broken node. The scanner stops rather than rewrite final history."""

    default_code = "chain_mismatch"


@dataclass(frozen=True)
class _Prefetch:
    start: int
    future: Future[ScanBatch]


@dataclass
class ScanReport:
    network: str
    cursor: int = -1
    head: int = -1
    solid: int = -1
    blocks: int = 0
    recorded: int = 0
    finalized: int = 0
    dropped: int = 0
    rewinds: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def caught_up(self) -> bool:
        return self.cursor >= self.head


class BlockScanner:
    """Scans one network. Keep one instance per process: it caches the watch set."""

    def __init__(
        self,
        *,
        network: str | None = None,
        node: TronNode | None = None,
        after_block: AfterBlock | None = None,
    ) -> None:
        self.network = network or settings.TRON_NETWORK
        self._node = node
        self.after_block = after_block
        self.watched = WatchSet(self.network)
        self._pool: ThreadPoolExecutor | None = None  # transaction-info requests
        self._prefetcher: ThreadPoolExecutor | None = None  # the next range while catching up

    @property
    def node(self) -> TronNode:
        return self._node or get_node()

    def close(self) -> None:
        for pool in (self._prefetcher, self._pool):
            if pool is not None:
                pool.shutdown(wait=True)
        self._pool = self._prefetcher = None

    def scan(self, *, max_blocks: int = 1000) -> ScanReport:
        """One bounded pass: catch up by at most ``max_blocks``, then finalize."""
        self.watched.refresh()
        info = node_info(self.node)
        report = ScanReport(network=self.network, head=info.head.number, solid=info.solid.number)
        cursor = ScanCursor.objects.filter(network=self.network).first()
        if cursor is None:
            cursor = get_or_create_cursor(self.network, self._start_after(info))
        prefetch: _Prefetch | None = None
        try:
            while report.blocks < max_blocks and report.rewinds <= MAX_REWINDS_PER_PASS:
                if cursor.block_number >= info.head.number:
                    if self._head_replaced(cursor, info):
                        self._rewind(report, info)
                        cursor = ScanCursor.objects.get(network=self.network)
                        continue
                    break
                start = cursor.block_number + 1
                end = self._range_end(start, info, max_blocks - report.blocks)
                if prefetch is not None and prefetch.start == start:
                    fetched = prefetch.future.result()
                else:
                    fetched = fetch_scan_batch(
                        self.node, start, end, solid=info.solid, pool=self._info_pool()
                    )
                prefetch = None
                batch = fetched.blocks
                if not batch:
                    report.notes.append(f"node gave no usable block at {start}")
                    break
                if cursor.block_id and batch[0].block.parent_id != cursor.block_id:
                    self._rewind(report, info)
                    cursor = ScanCursor.objects.get(network=self.network)
                    continue
                # While catching up, fetch the next range while this one is written: the
                # node works on its answer while we are busy with the database.
                prefetch = self._prefetch_next(batch, info, max_blocks - report.blocks)
                self.watched.refresh()
                outcome = record_batch(
                    self.network,
                    batch,
                    self.watched,
                    final_through=fetched.solid_through,
                    after_block=self.after_block,
                )
                report.blocks += outcome.blocks
                report.recorded += outcome.recorded
                report.finalized += outcome.finalized
                cursor = ScanCursor.objects.get(network=self.network)
                self._finalize(report, info, cursor)
        finally:
            if prefetch is not None:
                prefetch.future.cancel()
                wait([prefetch.future])  # never leave a request running past the pass
        self._finalize(report, info, cursor)
        report.cursor = cursor.block_number
        return report

    def _range_end(self, start: int, info: NodeInfo, budget: int) -> int:
        return min(info.head.number + 1, start + MAX_BLOCKS_PER_RANGE, start + budget)

    def _prefetch_next(
        self, batch: list[FetchedBlock], info: NodeInfo, budget: int
    ) -> _Prefetch | None:
        start = batch[-1].block.number + 1
        budget -= len(batch)
        if start > info.head.number or budget <= 0:
            return None
        if self._prefetcher is None:
            self._prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tron-next")
        end = self._range_end(start, info, budget)
        future = self._prefetcher.submit(
            fetch_scan_batch, self.node, start, end, solid=info.solid, pool=self._info_pool()
        )
        return _Prefetch(start=start, future=future)

    # -- steps ------------------------------------------------------------------------

    def _start_after(self, info: NodeInfo) -> BlockRef:
        """Where a network's first pass starts: ``TRON_SCAN_START_BLOCK``, or else
        ``TRON_SCAN_START_LOOKBACK`` blocks behind the head (never below block 1).

        Not at the head itself: an address may be watched, and paid, before the scanner's
        first pass, and a payment in a block behind the head would never be seen.
        """
        start = getattr(settings, "TRON_SCAN_START_BLOCK", None)
        if start is None:
            lookback = max(0, int(getattr(settings, "TRON_SCAN_START_LOOKBACK", 1200)))
            first = max(1, info.head.number - lookback)
        else:
            first = int(start)
        if first <= 0:
            return no_cursor_block()
        previous = block_by_number(self.node, first - 1)
        if previous is None:
            raise NodeBadResponse(f"The node has no block {first - 1} to start scanning after.")
        return previous.ref

    def _head_replaced(self, cursor: ScanCursor, info: NodeInfo) -> bool:
        """At the head: has the block at the node's head height changed under us?"""
        if cursor.block_number == info.head.number:
            return cursor.block_id != info.head.block_id and bool(cursor.block_id)
        stored = (
            ScannedBlock.objects.filter(network=self.network, number=info.head.number)
            .values_list("block_id", flat=True)
            .first()
        )
        return stored is not None and stored != info.head.block_id

    def _finalize(self, report: ScanReport, info: NodeInfo, cursor: ScanCursor) -> None:
        target = min(cursor.block_number, info.solid.number)
        anchor = finalized_anchor(self.network)
        if target < 0 or (anchor is not None and target <= anchor):
            return
        ours = (
            ScannedBlock.objects.filter(network=self.network, number=target)
            .values_list("block_id", flat=True)
            .first()
        )
        if ours is None:
            return
        if target == info.solid.number:
            canonical = info.solid.block_id
        else:
            solid_block = block_by_number(self.node, target, solid=True)
            if solid_block is None:
                return  # the node does not serve it (yet); try again next pass
            canonical = solid_block.block_id
        if ours != canonical:
            # What we scanned at a now-solid height is not the solid block: a fork we
            # have not noticed yet. The next scan round rewinds; never finalize it.
            report.notes.append(f"block {target} differs from the solid chain")
            self._rewind(report, info)
            return
        report.finalized += finalize_through(self.network, target)

    def _rewind(self, report: ScanReport, info: NodeInfo) -> None:
        ancestor = self._common_ancestor()
        report.dropped += rewind_to(self.network, ancestor)
        report.rewinds += 1
        report.notes.append(f"fork: rewound to {ancestor.number}")

    def _common_ancestor(self) -> BlockRef:
        """The highest stored block that is still on the node's chain."""
        stored = list(
            ScannedBlock.objects.filter(network=self.network)
            .order_by("-number")
            .values_list("number", "block_id", "solidified")
        )
        index = 0
        while index < len(stored):
            top = stored[index][0]
            low = max(stored[-1][0], top - MAX_BLOCKS_PER_RANGE + 1)
            on_chain = {b.number: b.block_id for b in blocks_in_range(self.node, low, top + 1)}
            for number, block_id, solidified in stored[index:]:
                if number < low:
                    break
                index += 1
                if on_chain.get(number) == block_id:
                    return BlockRef(number, block_id)
                if solidified:
                    raise ChainMismatch(
                        f"Block {number} ({block_id}) was final but the node now has "
                        f"{on_chain.get(number, 'nothing')} there."
                    )
        # Nothing stored is on the chain any more (a fork deeper than our first block):
        # restart just below the lowest block we knew.
        lowest = stored[-1][0] if stored else 0
        if lowest <= 0:
            return no_cursor_block()
        below = block_by_number(self.node, lowest - 1)
        if below is None:
            raise NodeBadResponse(f"The node has no block {lowest - 1}.")
        return below.ref

    def _info_pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=INFO_FETCH_THREADS, thread_name_prefix="tron-scan"
            )
        return self._pool
