"""The block scanner. Entry points: ``scan_once`` (one locked pass),
used by the ``scanner_tick`` task and the ``scan`` command."""

from __future__ import annotations

from lucid_payments.tron.scanner.lock import scanner_lock
from lucid_payments.tron.scanner.scanner import BlockScanner, ChainMismatch, ScanReport

__all__ = ["BlockScanner", "ChainMismatch", "ScanReport", "scan_once", "scanner_lock"]


def scan_once(scanner: BlockScanner, *, max_blocks: int = 1000) -> ScanReport | None:
    """One pass under the network's advisory lock; None if another scanner holds it."""
    with scanner_lock(scanner.network) as acquired:
        if not acquired:
            return None
        return scanner.scan(max_blocks=max_blocks)
