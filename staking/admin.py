"""Admin (port 8098) for staking: every operation and delegation, read-only.

Operations move only through the outgoing machinery and ``staking.outcomes`` (row lock,
re-check, ledger, audit); an operator looks here, a client acts through the API.
"""

from __future__ import annotations

from django.contrib import admin

from lucid_payments.core.admin_mixins import ReadOnlyAdmin
from staking.models import Delegation, StakingOperation


@admin.register(StakingOperation)
class StakingOperationAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "client", "wallet", "amount", "txid", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("txid", "reference", "receiver")
    list_select_related = ("client", "wallet")


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("id", "status", "client", "wallet", "receiver", "resource", "amount")
    list_filter = ("status", "resource")
    search_fields = ("receiver",)
    list_select_related = ("client", "wallet")
