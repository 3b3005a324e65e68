"""Admin: sweeps (read-only: they change through the sweeper), the addresses it looks
at (with an action to look again, audited), and each client's sweep settings (editable,
audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from gateway.sweeps.models import Sweep, SweepAddress, SweepSettings
from lucid_payments.core.admin_mixins import ReadOnlyAdmin
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.money import format_amount


@admin.register(Sweep)
class SweepAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "client",
        "kind",
        "asset",
        "amount_display",
        "status",
        "invoice_link",
        "cost_total_sun",
        "created_at",
    )
    list_filter = ("status", "kind", "asset")
    search_fields = (
        "public_id",
        "source_address",
        "destination_address",
        "txid",
        "invoice__public_id",
    )
    readonly_fields = ("invoice_link",)

    @admin.display(description="amount")
    def amount_display(self, sweep: Sweep) -> str:
        return format_amount(sweep.amount, sweep.asset)

    @admin.display(description="invoice")
    def invoice_link(self, sweep: Sweep) -> str:
        if sweep.invoice_id is None:
            return "-"
        url = reverse("admin:invoices_invoice_change", args=[sweep.invoice_id])
        return format_html('<a href="{}">{}</a>', url, sweep.invoice)


@admin.register(SweepAddress)
class SweepAddressAdmin(ReadOnlyAdmin):
    list_display = ("address", "client", "network", "due", "due_since", "checked_at")
    list_filter = ("due", "network")
    search_fields = ("address",)
    actions = ["look_again"]

    @admin.action(description="Look at these addresses again on the next pass")
    def look_again(self, request: HttpRequest, queryset: QuerySet[SweepAddress]) -> None:
        rows = list(queryset)
        SweepAddress.objects.filter(pk__in=[row.pk for row in rows]).update(
            due=True, due_since=timezone.now()
        )
        for row in rows:
            audit_log(
                actor=AuditActor.operator(request.user),
                action="sweep_address.look_again",
                target=row,
                client_id=row.client_id,
                data={"address": row.address},
            )
        self.message_user(request, f"{len(rows)} addresses are due again.", messages.SUCCESS)


@admin.register(SweepSettings)
class SweepSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "client",
        "threshold_trx_sun",
        "threshold_usdt_units",
        "hot_cap_trx_sun",
        "hot_cap_usdt_units",
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(
            actor=AuditActor.operator(request.user),
            action="sweep_settings.changed",
            target=obj,
            client_id=obj.client_id,
            data={"fields": list(form.changed_data)},
        )
