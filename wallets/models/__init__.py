"""The wallets app's models, one module per concern."""

from wallets.models.fees import TransactionFee
from wallets.models.keystore import SealedSecret, SecretKind
from wallets.models.ledger import (
    DEPOSIT_REFERENCE_PREFIX,
    Bucket,
    DailyDeposits,
    EntryKind,
    Hold,
    HoldStatus,
    JournalEntry,
    LedgerAccount,
    OwnerType,
    Posting,
)
from wallets.models.ledger_transfers import LedgerTransfer, LedgerTransferParty
from wallets.models.wallets import KeySource, PlatformSeed, Wallet, WalletAddress, WalletKind

__all__ = [
    "DEPOSIT_REFERENCE_PREFIX",
    "Bucket",
    "DailyDeposits",
    "EntryKind",
    "Hold",
    "HoldStatus",
    "JournalEntry",
    "KeySource",
    "LedgerAccount",
    "LedgerTransfer",
    "LedgerTransferParty",
    "OwnerType",
    "PlatformSeed",
    "Posting",
    "SealedSecret",
    "SecretKind",
    "TransactionFee",
    "Wallet",
    "WalletAddress",
    "WalletKind",
]
