"""django-q entry points for the scanner (thin: they call ``scanner.scan_once``).

``scanner_tick`` is scheduled every minute (``SCANNER_SCHEDULE``, registered by
``core.schedules``) as a safety net; low-latency scanning is the ``scan`` command's
foreground loop. Both take the network's advisory lock, so running them together (or the
tick twice) is safe: extra ones skip.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from lucid_payments.core.schedules import RecurringTask
from lucid_payments.tron.scanner import BlockScanner, scan_once

SCANNER_TICK_TASK = "lucid_payments.tron.tasks.scanner_tick"
SCANNER_SCHEDULE_NAME = "tron-scanner-tick"
SCANNER_SCHEDULE = RecurringTask.every_minute(SCANNER_TICK_TASK, SCANNER_SCHEDULE_NAME)
TICK_MAX_BLOCKS = 2000

# One scanner per worker process keeps the watch set cached between ticks.
_scanners: dict[str, BlockScanner] = {}


def scanner_tick(network: str | None = None, max_blocks: int = TICK_MAX_BLOCKS) -> dict[str, Any]:
    """Scan at most ``max_blocks`` blocks of ``network`` if no other scanner is active."""
    network = network or settings.TRON_NETWORK
    scanner = _scanners.get(network)
    if scanner is None:
        scanner = _scanners[network] = BlockScanner(network=network)
    report = scan_once(scanner, max_blocks=max_blocks)
    if report is None:
        return {"network": network, "skipped": "another scanner holds the lock"}
    return {
        "network": network,
        "cursor": report.cursor,
        "head": report.head,
        "blocks": report.blocks,
        "recorded": report.recorded,
        "finalized": report.finalized,
        "dropped": report.dropped,
    }
