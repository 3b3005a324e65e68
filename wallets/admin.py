"""Admin: wallets, keys (metadata only) and the ledger, all read-only.

Money and keys change only through services (and their audit trail), never through a
form: no add, change or delete here, and sealed columns are not even displayed.
"""

from __future__ import annotations

from django.contrib import admin

from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin
from wallets.models import (
    Hold,
    JournalEntry,
    LedgerAccount,
    PlatformSeed,
    Posting,
    SealedSecret,
    Wallet,
    WalletAddress,
)

# Shown, and read-only, per model.
ADDRESS_INLINE_FIELDS: tuple[str, ...] = (
    "address",
    "index",
    "customer",
    "label",
    "created_at",
)
WALLET_FIELDS: tuple[str, ...] = (
    "client",
    "kind",
    "label",
    "network",
    "key_source",
    "hd_account",
    "address",
    "next_index",
    "created_at",
)
SECRET_METADATA_FIELDS: tuple[str, ...] = (
    "public_id",
    "kind",
    "label",
    "master_key_id",
    "created_at",
    "rewrapped_at",
)
SEED_FIELDS: tuple[str, ...] = (
    "next_account",
    "created_at",
)
POSTING_FIELDS: tuple[str, ...] = (
    "account",
    "amount",
    "balance_after",
)


class WalletAddressInline(ListedOnlyInline):
    model = WalletAddress
    readonly_fields = ADDRESS_INLINE_FIELDS
    fields = ADDRESS_INLINE_FIELDS
    show_change_link = True


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "label", "client", "network", "key_source", "address"]
    list_filter = ["kind", "key_source", "network"]
    search_fields = ["address", "label", "addresses__address"]
    readonly_fields = WALLET_FIELDS
    fields = WALLET_FIELDS
    inlines = [WalletAddressInline]


@admin.register(WalletAddress)
class WalletAddressAdmin(ReadOnlyAdmin):
    list_display = ["address", "wallet", "index", "customer", "created_at"]
    search_fields = ["address"]
    list_select_related = ["wallet", "customer"]


@admin.register(SealedSecret)
class SealedSecretAdmin(ReadOnlyAdmin):
    """Metadata only: the ciphertext columns are deliberately not listed."""

    list_display = ["public_id", "kind", "label", "master_key_id", "created_at", "rewrapped_at"]
    list_filter = ["kind", "master_key_id"]
    readonly_fields = SECRET_METADATA_FIELDS
    fields = SECRET_METADATA_FIELDS


@admin.register(PlatformSeed)
class PlatformSeedAdmin(ReadOnlyAdmin):
    list_display = ["id", "next_account", "created_at"]
    readonly_fields = SEED_FIELDS
    fields = SEED_FIELDS


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner_type", "owner_id", "client_id", "asset", "bucket", "balance"]
    list_filter = ["owner_type", "asset", "bucket"]
    search_fields = ["=owner_id", "=client_id"]


class PostingInline(ListedOnlyInline):
    model = Posting
    readonly_fields = POSTING_FIELDS
    fields = POSTING_FIELDS


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "reference", "description", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reference", "description"]
    date_hierarchy = "created_at"
    inlines = [PostingInline]


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["reference", "account", "amount", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["reference"]
