"""Models of the chain app: scanning (C1) and outgoing transactions (C2)."""

from lucid_payments.tron.models.outgoing import *  # noqa: F403
from lucid_payments.tron.models.scanning import (
    Asset,
    ChainTransfer,
    ScanCursor,
    ScannedBlock,
    TransferStatus,
    WatchedAddress,
    WatchListVersion,
)
from lucid_payments.tron.models.sender_clock import SenderClock
from lucid_payments.tron.models.tokens import TokenContract

__all__ = [
    "Asset",
    "ChainTransfer",
    "ScanCursor",
    "ScannedBlock",
    "SenderClock",
    "TokenContract",
    "TransferStatus",
    "WatchListVersion",
    "WatchedAddress",
]
