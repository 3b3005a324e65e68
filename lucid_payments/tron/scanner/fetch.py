"""Fetch a batch of blocks with their transaction infos, as a consistent unit.

All network calls happen here, before any database transaction opens. The batch is cut
at the first block that does not link to its predecessor or whose infos do not belong to
it (the node switched forks between our two requests): the next pass starts there again
and the fork check sorts it out.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.reads import (
    block_by_number,
    blocks_in_range,
    transaction_infos_by_block,
)
from lucid_payments.tron.adapter.types import Block, BlockRef, TransactionInfo
from lucid_payments.tron.scanner.extract import FetchedBlock, needs_transaction_infos
from lucid_payments.tron.scanner.gc_pause import automatic_gc_paused

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScanBatch:
    """A fetched batch and how far into it the node's solid chain is confirmed."""

    blocks: list[FetchedBlock]
    # The highest block of ``blocks`` found on the node's solid chain; -1 if none is.
    solid_through: int


def fetch_scan_batch(
    node: TronNode,
    start: int,
    end: int,
    *,
    solid: BlockRef,
    pool: ThreadPoolExecutor | None = None,
) -> ScanBatch:
    """``fetch_batch`` plus the check that lets the scanner write its older blocks final."""
    blocks = fetch_batch(node, start, end, pool=pool)
    return ScanBatch(blocks=blocks, solid_through=solid_through(node, blocks, solid))


def solid_through(node: TronNode, blocks: list[FetchedBlock], solid: BlockRef) -> int:
    """The highest of ``blocks`` (a chain linked by parent hashes) that is the node's
    solid block at its height, or -1. Its ancestors are then solid too, so one
    comparison covers the whole batch: free when the solid head is inside the batch, one
    ``walletsolidity`` block read when the whole batch lies below it."""
    below = [f.block for f in blocks if f.block.number <= solid.number]
    if not below:
        return -1
    top = below[-1]
    if top.number == solid.number:
        canonical = solid.block_id
    else:
        solid_block = block_by_number(node, top.number, solid=True)
        if solid_block is None:
            return -1
        canonical = solid_block.block_id
    return top.number if top.block_id == canonical else -1


def fetch_batch(
    node: TronNode, start: int, end: int, *, pool: ThreadPoolExecutor | None = None
) -> list[FetchedBlock]:
    """Blocks ``start <= n < end`` (at most 100) that form an unbroken chain from ``start``."""
    with automatic_gc_paused():  # decoding builds ~1M acyclic objects per range
        run = _contiguous_run(blocks_in_range(node, start, end), start)
    needing = [block.number for block in run if needs_transaction_infos(block)]

    def load(number: int) -> list[TransactionInfo]:
        with automatic_gc_paused():
            return transaction_infos_by_block(node, number)

    # Info requests are independent; a few in flight overlap the node's work with ours.
    loaded = pool.map(load, needing) if pool is not None else map(load, needing)
    infos_by_number = dict(zip(needing, loaded, strict=True))

    fetched: list[FetchedBlock] = []
    for block in run:
        infos = infos_by_number.get(block.number, [])
        if not _infos_belong_to(block, infos):
            logger.warning("infos of block %d do not match it; stopping batch there", block.number)
            break
        fetched.append(FetchedBlock(block=block, infos=tuple(infos)))
    return fetched


def _contiguous_run(blocks: list[Block], start: int) -> list[Block]:
    run: list[Block] = []
    for block in blocks:
        expected = start + len(run)
        if block.number != expected or (run and block.parent_id != run[-1].block_id):
            break
        run.append(block)
    return run


def _infos_belong_to(block: Block, infos: list[TransactionInfo]) -> bool:
    if not infos:
        return True
    txids = {tx.txid for tx in block.transactions}
    return all(info.txid in txids and info.block_number == block.number for info in infos)
