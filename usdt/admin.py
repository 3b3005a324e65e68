"""Admin of the usdt app: USDT transfers and energy delegations to look at, and the
energy wallet to operate (create it; freeze or unfreeze TRX for energy; reclaim a
delegation now). Every operation goes through the services, audited."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from lucid_payments.core.admin_display import amount_text, status_badge, sun_text
from lucid_payments.core.admin_mixins import ReadOnlyAdmin
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import ApplicationError
from usdt.energy.policy import energy_release
from usdt.energy.wallet import energy_wallet_create, energy_wallet_freeze, energy_wallet_unfreeze
from usdt.models import EnergyDelegation, EnergyWallet, TrxTopUp, UsdtApproval, UsdtTransfer
from wallets.models.wallets import WalletKind

SUN_PER_TRX = 1_000_000
OPERATE_PERMISSION = "console.operate_energy_wallet"


@admin.register(UsdtTransfer)
class UsdtTransferAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "client",
        "status_badge",
        "amount_text",
        "recipient",
        "energy_mode",
        "energy_estimate",
        "fee_limit_sun",
        "txid",
        "created_at",
    ]
    list_filter = [
        "status",
        "energy_mode",
        "network",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=txid", "=recipient", "=sender", "reference"]

    @admin.display(description="amount", ordering="amount")
    def amount_text(self, transfer: UsdtTransfer) -> str:
        return amount_text(transfer.amount, "USDT")

    @admin.display(description="status", ordering="status")
    def status_badge(self, transfer: UsdtTransfer) -> SafeString:
        return status_badge(transfer.status)


@admin.register(UsdtApproval)
class UsdtApprovalAdmin(ReadOnlyAdmin):
    list_display = ["id", "client", "owner", "spender", "amount_text", "outgoing_id", "created_at"]

    @admin.display(description="allowance", ordering="amount")
    def amount_text(self, approval: UsdtApproval) -> str:
        return amount_text(approval.amount, "USDT")


@admin.register(EnergyDelegation)
class EnergyDelegationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "receiver",
        "energy",
        "amount_text",
        "status_badge",
        "purpose",
        "send_txid",
        "reclaim_attempts",
        "created_at",
    ]
    list_filter = ["status", "network"]
    search_fields = ["receiver", "purpose", "send_txid"]
    actions = ["reclaim_now"]

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(OPERATE_PERMISSION))

    @admin.display(description="TRX staked for it", ordering="amount_sun")
    def amount_text(self, delegation: EnergyDelegation) -> str:
        return sun_text(delegation.amount_sun)

    @admin.display(description="status", ordering="status")
    def status_badge(self, delegation: EnergyDelegation) -> SafeString:
        return status_badge(delegation.status)

    @admin.action(description="Reclaim the selected delegations now", permissions=["operate"])
    def reclaim_now(self, request: HttpRequest, queryset: QuerySet[EnergyDelegation]) -> None:
        for delegation in queryset:
            energy_release(purpose=delegation.purpose)
        self.message_user(request, "Reclaims recorded; the worker sends them.")


@admin.register(TrxTopUp)
class TrxTopUpAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "receiver",
        "amount_text",
        "status",
        "purpose",
        "fee_wallet",
        "created_at",
    ]

    @admin.display(description="amount", ordering="amount_sun")
    def amount_text(self, top_up: TrxTopUp) -> str:
        return sun_text(top_up.amount_sun)

    list_filter = ["status", "network"]
    search_fields = ["receiver", "purpose"]


class StakeActionForm(ActionForm):
    trx = forms.IntegerField(required=False, min_value=1, label="TRX")


class EnergyWalletCreateForm(forms.ModelForm):
    class Meta:
        model = EnergyWallet
        fields = ["label"]


@admin.register(EnergyWallet)
class EnergyWalletAdmin(ReadOnlyAdmin):
    list_display = ["id", "label", "network", "address", "created_at"]
    action_form = StakeActionForm
    actions = ["freeze", "unfreeze"]

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(OPERATE_PERMISSION))

    def get_queryset(self, request: HttpRequest) -> QuerySet[EnergyWallet]:
        return super().get_queryset(request).filter(kind=WalletKind.ENERGY)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        return (
            EnergyWalletCreateForm
            if obj is None
            else super().get_form(request, obj, change, **kwargs)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        wallet = energy_wallet_create(label=form.cleaned_data["label"] or "energy")
        obj.pk = wallet.pk

    def _stake(self, request: HttpRequest, action: Any, verb: str) -> None:
        trx = request.POST.get("trx", "")
        if not trx.isdigit() or int(trx) < 1:
            self.message_user(request, "Give the TRX to stake, a whole number.", messages.ERROR)
            return
        try:
            outgoing = action(
                amount_sun=int(trx) * SUN_PER_TRX,
                reference=f"energy-wallet:{verb}:{uuid.uuid4().hex}",
                actor=AuditActor.operator(request.user),
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{verb} of {trx} TRX recorded as outgoing {outgoing.id}.")

    @admin.action(description="Freeze TRX for ENERGY (amount above)", permissions=["operate"])
    def freeze(self, request: HttpRequest, queryset: QuerySet[EnergyWallet]) -> None:
        self._stake(request, energy_wallet_freeze, "freeze")

    @admin.action(
        description="Unfreeze TRX staked for ENERGY (amount above)", permissions=["operate"]
    )
    def unfreeze(self, request: HttpRequest, queryset: QuerySet[EnergyWallet]) -> None:
        self._stake(request, energy_wallet_unfreeze, "unfreeze")
