"""Payouts in the admin: the list (filter by status to see what waits for approval), each
payout's detail with Approve… / Reject… buttons for operators with the permission, and
each client's payout settings (fee, approval thresholds, limit overrides).

Payouts are never edited or deleted here: they change only through the services
(``payouts.approvals``), which check the permission, four eyes and the status under
the row lock, and audit each decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString

from lucid_payments.console.payout_admin_links import (
    PAYOUT_LIST_FILTERS,
    PAYOUT_SEARCH_FIELDS,
    payout_amount,
    payout_outgoing_link,
    payout_related,
    payout_status_badge,
)
from lucid_payments.core.admin_mixins import ListedOnlyInline, TxidSearchAdmin
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import ApplicationError
from lucid_payments.core.money import format_amount
from payouts.approvals import APPROVE_PERMISSION, payout_approve, payout_reject
from payouts.models import Payout, PayoutApproval, PayoutSettings, PayoutStatus


class PayoutRejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Recorded with the decision and shown to the client.",
    )


class PayoutApproveForm(forms.Form):
    pass


class PayoutApprovalInline(ListedOnlyInline):
    model = PayoutApproval
    fields = ("operator", "created_at")
    readonly_fields = fields


@admin.register(Payout)
class PayoutAdmin(TxidSearchAdmin):
    change_form_template = "admin/payouts/payout/change_form.html"
    list_display = (
        "public_id",
        "client",
        "customer",
        "asset",
        "shown_amount",
        "route",
        "status_badge",
        "approvals_required",
        "destination",
        "outgoing",
        "created_at",
    )
    list_filter = ("status", "asset", "route", "funding", "internal", *PAYOUT_LIST_FILTERS)
    search_fields = (*PAYOUT_SEARCH_FIELDS, "client__name")
    list_select_related = ("client", "customer")
    ordering = ("-id",)
    actions = None  # no bulk decisions: each payout is looked at on its own page
    inlines = [PayoutApprovalInline]

    @admin.display(description="amount", ordering="amount")
    def shown_amount(self, obj: Payout) -> str:
        return payout_amount(obj)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Payout) -> SafeString:
        return payout_status_badge(obj)

    @admin.display(description="transaction")
    def outgoing(self, obj: Payout) -> SafeString | str:
        return payout_outgoing_link(obj)

    @admin.display(description="related")
    def related(self, obj: Payout) -> SafeString:
        return payout_related(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in Payout._meta.fields] + ["outgoing", "related"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        payout = self.get_object(request, object_id)
        context = {
            **(extra_context or {}),
            "can_decide": payout is not None
            and payout.status == PayoutStatus.AWAITING_APPROVAL
            and request.user.has_perm(APPROVE_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:payout_pk>/approve/",
                wrap(self._decision_view(approve=True)),
                name="payouts_payout_approve",
            ),
            path(
                "<int:payout_pk>/reject/",
                wrap(self._decision_view(approve=False)),
                name="payouts_payout_reject",
            ),
        ]
        return own + super().get_urls()

    def _decision_view(self, *, approve: bool) -> Callable[..., HttpResponseBase]:
        verb = "approve" if approve else "reject"

        def view(request: HttpRequest, payout_pk: int) -> HttpResponse:
            # Custom admin URLs get no permission check for free.
            if not request.user.has_perm(APPROVE_PERMISSION):
                raise PermissionDenied
            payout = get_object_or_404(
                Payout.objects.select_related("client", "customer"), pk=payout_pk
            )
            change_url = reverse("admin:payouts_payout_change", args=[payout.pk])
            data = request.POST if request.method == "POST" else None
            form: forms.Form = PayoutApproveForm(data) if approve else PayoutRejectForm(data)
            status = 200
            if request.method == "POST" and form.is_valid():
                try:
                    if approve:
                        payout_approve(payout=payout, operator=request.user)
                    else:
                        payout_reject(
                            payout=payout, operator=request.user, reason=form.cleaned_data["reason"]
                        )
                except ApplicationError as exc:  # four eyes, or decided meanwhile
                    form.add_error(None, exc.message)
                    status = exc.status_code
                else:
                    messages.success(request, f"Payout {payout.public_id}: {verb}d.")
                    return HttpResponseRedirect(change_url)
            context = {
                **self.admin_site.each_context(request),
                "opts": Payout._meta,
                "payout": payout,
                "amount": f"{format_amount(payout.amount, payout.asset)} {payout.asset}",
                "approvals": payout.approvals.count(),
                "form": form,
                "verb": verb,
                "title": f"{verb.capitalize()} payout {payout.public_id}",
                "change_url": change_url,
            }
            return TemplateResponse(
                request, "admin/payouts/payout/decision.html", context, status=status
            )

        return view


@admin.register(PayoutSettings)
class PayoutSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "client",
        "fee_usdt",
        "fee_trx",
        "approval_threshold_usdt",
        "four_eyes_threshold_usdt",
        "approval_threshold_trx",
        "four_eyes_threshold_trx",
    )
    search_fields = ("client__name",)
    raw_id_fields = ("client",)
    fieldsets = (
        (None, {"fields": ("client",)}),
        ("Payout fee (base units: μUSDT, SUN)", {"fields": ("fee_usdt", "fee_trx")}),
        (
            "Approvals (base units; empty: none needed)",
            {
                "fields": (
                    ("approval_threshold_usdt", "four_eyes_threshold_usdt"),
                    ("approval_threshold_trx", "four_eyes_threshold_trx"),
                )
            },
        ),
        (
            "Limit overrides (base units; empty: the platform default)",
            {
                "fields": (
                    ("v0_per_payout_usdt", "v0_daily_usdt"),
                    ("kyc_per_payout_usdt", "kyc_daily_usdt"),
                    ("v0_per_payout_trx", "v0_daily_trx"),
                    ("kyc_per_payout_trx", "kyc_daily_trx"),
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(
            actor=AuditActor.operator(request.user),
            action="payout_settings.changed",
            target=obj,
            client_id=obj.client_id,
            data={
                name: form.cleaned_data.get(name) for name in form.changed_data if name != "client"
            },
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # clear a field to return to the platform default: that is audited
