"""Admin: wallets, keys (metadata only) and the ledger, all read-only but for one form.

Money and keys change only through services (and their audit trail), never through a
form: no change or delete here, and sealed columns are not even displayed. The one thing
an operator adds here is a platform cold wallet (an address the platform holds offline):
what makes an address without a key here count as custody is that an operator, not a
client, declared it (``wallets.custody``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lucid_payments.core.admin_display import amount_text, changelist_link, status_badge, sun_text
from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import InvalidInput
from lucid_payments.tron.addresses import normalize_address
from wallets.custody import custody_addresses
from wallets.models import (
    Hold,
    JournalEntry,
    LedgerAccount,
    LedgerTransfer,
    PlatformSeed,
    Posting,
    SealedSecret,
    TransactionFee,
    Wallet,
    WalletAddress,
)
from wallets.models.wallets import WalletKind
from wallets.services import wallet_create

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


class WalletAddressInline(ListedOnlyInline):
    model = WalletAddress
    readonly_fields = ADDRESS_INLINE_FIELDS
    fields = ADDRESS_INLINE_FIELDS
    show_change_link = True


class PlatformColdWalletForm(forms.ModelForm):
    """The address of a platform cold wallet, checked before anything is written."""

    class Meta:
        model = Wallet
        fields = ("address", "label")
        labels = {"address": "Address the platform holds offline (T… or 41…)"}

    def clean_address(self) -> str:
        try:
            address = normalize_address(self.cleaned_data["address"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from None
        network = str(settings.TRON_NETWORK)
        if custody_addresses(network=network).filter(address=address).exists():
            raise forms.ValidationError("This address is already one of the platform's wallets.")
        return address


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "label", "client", "network", "key_source", "address"]
    list_filter = ["kind", "key_source", "network"]
    search_fields = ["address", "label", "addresses__address"]
    readonly_fields = WALLET_FIELDS
    fields = WALLET_FIELDS
    inlines = [WalletAddressInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def get_form(
        self, request: HttpRequest, obj: Wallet | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            return PlatformColdWalletForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Wallet | None = None) -> Any:
        return ("address", "label") if obj is None else WALLET_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Wallet | None = None) -> Any:
        return () if obj is None else WALLET_FIELDS

    def get_inlines(self, request: HttpRequest, obj: Wallet | None) -> Any:
        return [] if obj is None else self.inlines

    def save_model(self, request: HttpRequest, obj: Wallet, form: Any, change: bool) -> None:
        """Through the service (it watches the address), with an audit row."""
        with transaction.atomic():
            wallet = wallet_create(
                kind=WalletKind.COLD,
                client=None,
                label=form.cleaned_data["label"],
                watch_only_address=form.cleaned_data["address"],
            )
            audit_log(
                actor=AuditActor.operator(request.user),
                action="wallet.platform_cold_added",
                target=wallet,
                data={"address": wallet.address, "label": wallet.label},
            )
        obj.pk = wallet.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related is edited here (the add form has no inlines)."""


@admin.register(WalletAddress)
class WalletAddressAdmin(ReadOnlyAdmin):
    list_display = ["address", "wallet", "index", "customer", "created_at", "related"]
    search_fields = ["=address", "=customer__external_ref"]
    list_select_related = ["wallet", "customer"]

    @admin.display(description="related")
    def related(self, address: WalletAddress) -> SafeString:
        """What reached it on chain and the invoice it was made for, if any."""
        return format_html(
            "{} · {}",
            changelist_link("tron.chaintransfer", "transfers", q=address.address),
            changelist_link("invoices.invoice", "invoice", q=address.address),
        )


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


def _chain_transfer_link(reference: str) -> SafeString | str:
    """A deposit's entry is referenced ``chain:<network>:<txid>:<index>``: its transfer."""
    parts = reference.split(":")
    if len(parts) != 4 or parts[0] != "chain":
        return "—"
    return changelist_link("tron.chaintransfer", f"chain transfer {parts[2][:12]}…", q=parts[2])


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner_type", "owner_id", "client_id", "asset", "bucket", "balance_text"]
    list_filter = ["owner_type", "asset", "bucket"]
    search_fields = ["=owner_id", "=client_id"]

    @admin.display(description="balance", ordering="balance")
    def balance_text(self, account: LedgerAccount) -> str:
        return amount_text(account.balance, account.asset)


class PostingInline(ListedOnlyInline):
    model = Posting
    readonly_fields = fields = ("account", "owner", "amount_text", "balance_after_text")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="owner")
    def owner(self, posting: Posting) -> str:
        account = posting.account
        return f"{account.owner_type} {account.owner_id} · {account.bucket}"

    @admin.display(description="amount")
    def amount_text(self, posting: Posting) -> str:
        return amount_text(posting.amount, posting.account.asset)

    @admin.display(description="balance after")
    def balance_after_text(self, posting: Posting) -> str:
        return amount_text(posting.balance_after, posting.account.asset)


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "reference", "description", "created_at"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["reference", "description"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ("kind", "reference", "description", "data", "created_at", "chain")
    inlines = [PostingInline]

    @admin.display(description="chain transfer")
    def chain(self, entry: JournalEntry) -> SafeString | str:
        return _chain_transfer_link(entry.reference)


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "account",
        "amount_text",
        "status_badge",
        "created_at",
        "closed_at",
    ]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["reference"]
    list_select_related = ["account"]

    @admin.display(description="amount", ordering="amount")
    def amount_text(self, hold: Hold) -> str:
        return amount_text(hold.amount, hold.account.asset)

    @admin.display(description="status", ordering="status")
    def status_badge(self, hold: Hold) -> SafeString:
        return status_badge(hold.status)


@admin.register(LedgerTransfer)
class LedgerTransferAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "client",
        "from_customer",
        "to_customer",
        "asset",
        "amount",
        "reference",
        "created_at",
    ]
    list_filter = ["asset"]
    search_fields = ["public_id", "reference"]
    date_hierarchy = "created_at"
    raw_id_fields = ["client", "from_customer", "to_customer", "entry"]


@admin.register(TransactionFee)
class TransactionFeeAdmin(ReadOnlyAdmin):
    """What each of our transactions burned, split as its receipt splits it, and the TRX
    that staked or delegated energy saved against burning it."""

    list_display = [
        "txid",
        "reference",
        "client",
        "contract_type",
        "energy_total",
        "energy_delegated",
        "energy_own_stake",
        "energy_burned",
        "fee_text",
        "saved",
        "block_time",
    ]
    list_filter = [
        "contract_type",
        "succeeded",
        "network",
        ("client", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["=txid", "reference", "=owner_address"]
    list_select_related = ["client"]
    date_hierarchy = "block_time"  # per day, as GET /api/v1/usdt/stats reports it

    @admin.display(description="TRX burned", ordering="fee_sun")
    def fee_text(self, obj: TransactionFee) -> str:
        return sun_text(obj.fee_sun)

    @admin.display(description="TRX saved by staking")
    def saved(self, obj: TransactionFee) -> str:
        return sun_text(obj.saved_sun)
