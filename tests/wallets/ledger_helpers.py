"""Assertions about the whole ledger, shared by the ledger tests."""

from __future__ import annotations

from wallets.ledger.verify import balance_mismatches, daily_deposit_mismatches, unbalanced_entries
from wallets.models.ledger import LedgerAccount, OwnerType


def assert_ledger_consistent() -> None:
    assert unbalanced_entries() == []
    assert balance_mismatches() == []
    assert daily_deposit_mismatches() == []
    negative = LedgerAccount.objects.exclude(owner_type=OwnerType.PLATFORM).filter(balance__lt=0)
    assert list(negative) == []
