"""Admin (port 8098) for staking: every operation and delegation, read-only.

Operations move only through the outgoing machinery and ``staking.outcomes`` (row lock,
re-check, ledger, audit); an operator looks here, a client acts through the API.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.safestring import SafeString

from lucid_payments.core.admin_display import status_badge, sun_text
from lucid_payments.core.admin_mixins import ReadOnlyAdmin
from staking.models import Delegation, StakingOperation


@admin.register(StakingOperation)
class StakingOperationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "status_badge",
        "client",
        "wallet",
        "amount_text",
        "txid",
        "created_at",
    )
    list_filter = (
        "kind",
        "status",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("=txid", "reference", "=receiver")
    list_select_related = ("client", "wallet")

    @admin.display(description="amount", ordering="amount")
    def amount_text(self, operation: StakingOperation) -> str:
        return sun_text(operation.amount)

    @admin.display(description="status", ordering="status")
    def status_badge(self, operation: StakingOperation) -> SafeString:
        return status_badge(operation.status)


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("id", "status", "client", "wallet", "receiver", "resource", "amount_text")
    list_filter = ("status", "resource", ("client", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=receiver",)
    list_select_related = ("client", "wallet")

    @admin.display(description="TRX delegated", ordering="amount")
    def amount_text(self, delegation: Delegation) -> str:
        return sun_text(delegation.amount)
