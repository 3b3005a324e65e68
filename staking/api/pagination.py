"""Limit/offset pages of the operation list, validated as the ledger entry list's are."""

from __future__ import annotations

from wallets.api.pagination import LedgerEntryPagination


class OperationPagination(LedgerEntryPagination):
    default_limit = 50
    max_limit = 500
