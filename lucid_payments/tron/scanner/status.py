"""Read-only view of the scanner's progress (for ``chain_status`` and the network status
API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count

from lucid_payments.tron.models import ChainTransfer, ScanCursor, WatchedAddress


@dataclass(frozen=True)
class ScannerStatus:
    network: str
    cursor: int | None  # last block recorded; None before the first pass
    cursor_block_id: str
    updated_at: datetime | None
    watched_addresses: int
    transfers: dict[str, int]  # status -> count

    def lag(self, head: int) -> int | None:
        """Blocks between the node's head and the cursor."""
        return None if self.cursor is None else max(0, head - self.cursor)


def scanner_status(network: str | None = None) -> ScannerStatus:
    network = network or settings.TRON_NETWORK
    cursor = ScanCursor.objects.filter(network=network).first()
    counts = dict(
        ChainTransfer.objects.filter(network=network)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return ScannerStatus(
        network=network,
        cursor=cursor.block_number if cursor else None,
        cursor_block_id=cursor.block_id if cursor else "",
        updated_at=cursor.updated_at if cursor else None,
        watched_addresses=WatchedAddress.objects.filter(network=network).count(),
        transfers=counts,
    )
