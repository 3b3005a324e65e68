"""Fetch a batch of blocks with their transaction infos, as a consistent unit.

All network calls happen here, before any database transaction opens. The batch is cut
at the first block that does not link to its predecessor or whose infos do not belong to
it (the node switched forks between our two requests): the next pass starts there again
and the fork check sorts it out.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.reads import blocks_in_range, transaction_infos_by_block
from lucid_payments.tron.adapter.types import Block, TransactionInfo
from lucid_payments.tron.scanner.extract import FetchedBlock, needs_transaction_infos

logger = logging.getLogger(__name__)


def fetch_batch(
    node: TronNode, start: int, end: int, *, pool: ThreadPoolExecutor | None = None
) -> list[FetchedBlock]:
    """Blocks ``start <= n < end`` (at most 100) that form an unbroken chain from ``start``."""
    run = _contiguous_run(blocks_in_range(node, start, end), start)
    needing = [block.number for block in run if needs_transaction_infos(block)]

    def load(number: int) -> list[TransactionInfo]:
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
