"""Admin (port 8098) for the chain: what we sent, what the scanner saw, where it stands.

Everything here is read-only. Outgoing transactions move only through their transitions
(row lock, re-check, audit), transfers and the cursor only through the scanner (a cursor
edited by hand would skip or re-credit deposits; ``rescan`` is the tool for that), and the
watch list only through ``lucid_payments.tron.watch`` (what the scanner reloads by: the
rows' transaction ids, and the version a removal bumps). An operator looks here; changes
go through services and commands.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from lucid_payments.core.admin_display import amount_text, status_badge
from lucid_payments.core.admin_mixins import ListedOnlyInline, TxidSearchAdmin
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
from lucid_payments.tron.tokens import token_contract_address

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


class ChainAdmin(TxidSearchAdmin):
    """Browse only, every field shown read-only."""


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
        "status_badge",
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
    list_filter = (
        "status",
        "network",
        "origin",
        "contract_type",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    # Searched by the current copy's txid, any older copy's txid, or the caller's reference.
    search_fields = ("txid__exact", "attempts__txid__exact", "reference", "owner_address__exact")
    list_select_related = ("client",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = readonly_fields = (*OUTGOING_FIELDS, "related")
    inlines = (OutgoingAttemptInline,)

    @admin.display(description="status", ordering="status")
    def status_badge(self, outgoing: OutgoingTransaction) -> SafeString:
        return status_badge(outgoing.status, outgoing.get_status_display())

    @admin.display(description="related")
    def related(self, outgoing: OutgoingTransaction) -> SafeString:
        """What it moved on chain, what it cost, and its audit trail."""
        return _links(
            ("chain transfers", _url("admin:tron_chaintransfer_changelist", q=outgoing.txid)),
            ("network cost", _url("admin:wallets_transactionfee_changelist", q=outgoing.txid)),
            ("ledger entries", _url("admin:wallets_journalentry_changelist", q=outgoing.reference)),
            (
                "audit trail",
                _url(
                    "admin:core_auditevent_changelist", q=f"tron.outgoingtransaction {outgoing.pk}"
                ),
            ),
        )


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


def _url(name: str, **query: str) -> str | None:
    """Another app's admin list by URL name (the chain app imports no other app)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def _links(*links: tuple[str, str | None]) -> SafeString:
    present = [(text, url) for text, url in links if url is not None]
    return format_html_join(" · ", '<a href="{1}">{0}</a>', present)


def _asset_of(transfer: ChainTransfer) -> str | None:
    """Our asset code for a transfer (TRX, or USDT for USDT's contract), else None."""
    if transfer.asset == "TRX":
        return "TRX"
    if transfer.token_contract == token_contract_address("USDT", transfer.network):
        return "USDT"
    return None


@admin.register(ChainTransfer)
class ChainTransferAdmin(ChainAdmin):
    list_display = (
        "txid_short",
        "index",
        "amount_display",
        "status_badge",
        "from_address",
        "to_address",
        "block_number",
        "seen_at",
        "final_at",
    )
    list_filter = ("status", "asset", "network", ("seen_at", admin.DateFieldListFilter))
    search_fields = (
        "txid__exact",
        "from_address__exact",
        "to_address__exact",
        "token_contract__exact",
    )
    date_hierarchy = "seen_at"
    ordering = ("-block_number", "txid", "index")
    fields = readonly_fields = (*TRANSFER_FIELDS, "related")
    list_display_links = ("txid_short",)

    @admin.display(description="txid", ordering="txid")
    def txid_short(self, transfer: ChainTransfer) -> SafeString:
        # The whole txid is on the detail page and in the tooltip; search takes it whole.
        return format_html('<span title="{}">{}…</span>', transfer.txid, transfer.txid[:16])

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, transfer: ChainTransfer) -> str:
        asset = _asset_of(transfer)
        if asset is not None:
            return amount_text(transfer.amount, asset)
        return f"{transfer.amount} base units of token {transfer.token_contract}"

    @admin.display(description="status", ordering="status")
    def status_badge(self, transfer: ChainTransfer) -> SafeString:
        return status_badge(transfer.status, transfer.get_status_display())

    @admin.display(description="related")
    def related(self, transfer: ChainTransfer) -> SafeString:
        """The invoice it paid, the ledger entry that credited it and our transaction that
        sent it, where they exist (each a search of the other list)."""
        reference = f"chain:{transfer.network}:{transfer.txid}:{transfer.index}"
        return _links(
            ("invoice paid", _url("admin:invoices_invoice_changelist", q=transfer.txid)),
            ("ledger entry", _url("admin:wallets_journalentry_changelist", q=reference)),
            ("our transaction", _url("admin:tron_outgoingtransaction_changelist", q=transfer.txid)),
            ("network cost", _url("admin:wallets_transactionfee_changelist", q=transfer.txid)),
        )


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
