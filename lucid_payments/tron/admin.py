"""Admin (port 8098) for the chain: what we sent, what the scanner saw, where it stands.

Everything here is read-only. Outgoing transactions move only through their transitions
(row lock, re-check, audit), transfers and the cursor only through the scanner (a cursor
edited by hand would skip or re-credit deposits; ``rescan`` is the tool for that), and the
watch list only through ``lucid_payments.tron.watch`` (it bumps the version the scanner
reloads on). An operator looks here; changes go through services and commands.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin
from lucid_payments.tron.models import (
    ChainTransfer,
    OutgoingAttempt,
    OutgoingTransaction,
    ScanCursor,
    ScannedBlock,
    TokenContract,
    WatchedAddress,
    WatchListVersion,
)

TXID_PATTERN = re.compile(r"[0-9a-fA-F]{64}")

OUTGOING_FIELDS: tuple[str, ...] = (
    "network",
    "reference",
    "origin",
    "client",
    "contract_type",
    "owner_address",
    "parameters",
    "fee_limit",
    "memo",
    "status",
    "txid",
    "block_number",
    "fee",
    "withdraw_amount",
    "withdraw_expire_amount",
    "failure_code",
    "failure_message",
    "attempt_count",
    "claimed_until",
    "created_at",
    "updated_at",
    "finished_at",
)
ATTEMPT_INLINE_FIELDS: tuple[str, ...] = (
    "txid",
    "status",
    "expiration_ms",
    "broadcast_count",
    "last_broadcast_at",
    "last_node_code",
    "last_node_message",
    "block_number",
    "created_at",
)
ATTEMPT_FIELDS: tuple[str, ...] = (
    "outgoing",
    "network",
    *ATTEMPT_INLINE_FIELDS,
    "block_timestamp_ms",
    "signature",
    "raw_data",
    "raw_data_hex",
    "updated_at",
)
TRANSFER_FIELDS: tuple[str, ...] = (
    "network",
    "txid",
    "index",
    "asset",
    "token_contract",
    "from_address",
    "to_address",
    "amount",
    "status",
    "block_number",
    "block_id",
    "block_timestamp_ms",
    "seen_at",
    "final_at",
    "dropped_at",
    "updated_at",
)


def _lower_txids(search_term: str) -> str:
    """Txids are stored lower-case and searched by exact match (indexed); people paste
    them from explorers in either case. Base58 addresses are case-sensitive: left alone."""
    return " ".join(
        word.lower() if TXID_PATTERN.fullmatch(word) else word for word in search_term.split()
    )


class ChainAdmin(ReadOnlyAdmin):
    """Browse only, every field shown read-only. Search terms that look like txids are
    lower-cased first (see ``_lower_txids``)."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(request, queryset, _lower_txids(search_term))


class OutgoingAttemptInline(ListedOnlyInline):
    """Every signed copy of the transaction, newest first."""

    model = OutgoingAttempt
    fields = readonly_fields = ATTEMPT_INLINE_FIELDS
    ordering = ("-created_at",)
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutgoingTransaction)
class OutgoingTransactionAdmin(ChainAdmin):
    list_display = (
        "id",
        "reference",
        "status",
        "network",
        "origin",
        "client",
        "contract_type",
        "txid",
        "block_number",
        "failure_code",
        "attempt_count",
        "updated_at",
    )
    list_filter = ("status", "network", "origin", "contract_type")
    # Searched by the current copy's txid, any older copy's txid, or the caller's reference.
    search_fields = ("txid__exact", "attempts__txid__exact", "reference", "owner_address__exact")
    list_select_related = ("client",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = readonly_fields = OUTGOING_FIELDS
    inlines = (OutgoingAttemptInline,)


@admin.register(OutgoingAttempt)
class OutgoingAttemptAdmin(ChainAdmin):
    list_display = (
        "txid",
        "outgoing",
        "status",
        "network",
        "broadcast_count",
        "last_node_code",
        "block_number",
        "created_at",
    )
    list_filter = ("status", "network", "last_node_code")
    search_fields = ("txid__exact", "outgoing__reference")
    list_select_related = ("outgoing",)
    ordering = ("-created_at", "-id")
    fields = readonly_fields = ATTEMPT_FIELDS


@admin.register(ChainTransfer)
class ChainTransferAdmin(ChainAdmin):
    list_display = (
        "txid",
        "index",
        "asset",
        "amount",
        "from_address",
        "to_address",
        "status",
        "block_number",
        "network",
        "seen_at",
        "final_at",
    )
    list_filter = ("status", "asset", "network")
    search_fields = (
        "txid__exact",
        "from_address__exact",
        "to_address__exact",
        "token_contract__exact",
    )
    date_hierarchy = "seen_at"
    ordering = ("-block_number", "txid", "index")
    fields = readonly_fields = TRANSFER_FIELDS


@admin.register(WatchedAddress)
class WatchedAddressAdmin(ChainAdmin):
    list_display = ("address", "purpose", "owner_type", "owner_id", "network", "created_at")
    list_filter = ("purpose", "network", "owner_type")
    search_fields = ("address__exact", "owner_id__exact")
    ordering = ("-created_at", "-id")
    fields = readonly_fields = (
        "network",
        "address",
        "purpose",
        "owner_type",
        "owner_id",
        "created_at",
    )


@admin.register(ScanCursor)
class ScanCursorAdmin(ChainAdmin):
    list_display = ("network", "block_number", "block_id", "updated_at")
    fields = readonly_fields = ("network", "block_number", "block_id", "updated_at")


@admin.register(TokenContract)
class TokenContractAdmin(ChainAdmin):
    """Read from the contract by ``lucid_payments.tron.tokens``; never typed in by hand."""

    list_display = ("asset", "network", "contract", "symbol", "decimals", "created_at")
    list_filter = ("network",)
    fields = readonly_fields = ("network", "asset", "contract", "symbol", "decimals", "created_at")


@admin.register(ScannedBlock)
class ScannedBlockAdmin(ChainAdmin):
    list_display = ("number", "network", "block_id", "solidified", "scanned_at")
    list_filter = ("network", "solidified")
    search_fields = ("block_id__exact",)
    ordering = ("-number",)
    fields = readonly_fields = (
        "network",
        "number",
        "block_id",
        "parent_id",
        "timestamp_ms",
        "solidified",
        "scanned_at",
    )


@admin.register(WatchListVersion)
class WatchListVersionAdmin(ChainAdmin):
    list_display = ("network", "version")
    fields = readonly_fields = ("network", "version")
