"""Admin: sweeps (read-only: they change through the sweeper; a failed one can be
retried, with a reason, by whoever holds ``console.retry_sweep``), the addresses it looks
at (with an action to look again, audited), and each client's sweep settings (editable,
audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from gateway.sweeps.models import TXID_FIELDS, Sweep, SweepAddress, SweepSettings
from gateway.sweeps.retry import RETRY_PERMISSION, sweep_retry
from lucid_payments.core.admin_display import (
    admin_link,
    amount_text,
    changelist_link,
    status_badge,
    sun_text,
)
from lucid_payments.core.admin_mixins import ReadOnlyAdmin, TxidSearchAdmin
from lucid_payments.core.admin_reasons import reasoned_action
from lucid_payments.core.audit import AuditActor, audit_log


@admin.register(Sweep)
class SweepAdmin(TxidSearchAdmin):
    list_display = (
        "public_id",
        "client_link",
        "kind",
        "amount_display",
        "status_badge",
        "invoice_link",
        "source_address",
        "cost_display",
        "created_at",
    )
    list_filter = (
        "status",
        "kind",
        "asset",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    # Any of its transactions' txids (stored lower-case), either address, the reference.
    search_fields = (
        "=public_id",
        "=source_address",
        "=destination_address",
        *(f"={field}" for field in TXID_FIELDS),
        "reference",
        "=invoice__public_id",
    )
    list_select_related = ("client", "invoice")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "public_id",
        "client_link",
        "network",
        "kind",
        "amount_display",
        "status_badge",
        "invoice_link",
        "address_link",
        "destination_address",
        "reference",
        "energy_mode",
        "fee_limit_sun",
        "outgoing_link",
        "transactions",
        "cost_display",
        "failure_code",
        "failure_message",
        "created_at",
        "final_at",
        "completed_at",
        "costed_at",
        "related",
    )
    fields = readonly_fields
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(RETRY_PERMISSION))

    @admin.display(description="client", ordering="client__name")
    def client_link(self, sweep: Sweep) -> SafeString | str:
        return admin_link(sweep.client)

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, sweep: Sweep) -> str:
        return amount_text(sweep.amount, sweep.asset)

    @admin.display(description="status", ordering="status")
    def status_badge(self, sweep: Sweep) -> SafeString:
        return status_badge(sweep.status, sweep.get_status_display())

    @admin.display(description="cost")
    def cost_display(self, sweep: Sweep) -> str:
        return sun_text(sweep.cost_total_sun)

    @admin.display(description="invoice")
    def invoice_link(self, sweep: Sweep) -> SafeString | str:
        return admin_link(sweep.invoice)

    @admin.display(description="from")
    def address_link(self, sweep: Sweep) -> SafeString:
        return changelist_link(SweepAddress, sweep.source_address, q=sweep.source_address)

    @admin.display(description="its transaction")
    def outgoing_link(self, sweep: Sweep) -> SafeString | str:
        if sweep.outgoing_id is None:
            return "—"
        url = reverse("admin:tron_outgoingtransaction_change", args=[sweep.outgoing_id])
        return format_html('<a href="{}">{}</a>', url, sweep.txid or sweep.reference)

    @admin.display(description="transactions and their costs")
    def transactions(self, sweep: Sweep) -> SafeString | str:
        """Each step's txid, linked to our transaction and to its fee row."""
        steps = [
            (field.removesuffix("_txid").replace("txid", "sweep"), getattr(sweep, field))
            for field in TXID_FIELDS
        ]
        lines = [
            format_html(
                "{}: {} · {}",
                step,
                changelist_link("tron.outgoingtransaction", txid, q=txid),
                changelist_link("wallets.transactionfee", "cost", q=txid),
            )
            for step, txid in steps
            if txid
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"

    @admin.display(description="related")
    def related(self, sweep: Sweep) -> SafeString:
        return format_html(
            "{} · {} · {}",
            changelist_link(
                "tron.chaintransfer", "chain transfers from its address", q=sweep.source_address
            ),
            changelist_link("events.event", "events", q=sweep.public_id),
            changelist_link("core.auditevent", "audit trail", q=f"sweeps.sweep {sweep.pk}"),
        )

    @admin.action(description="Retry the failed sweep (with a reason)…", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Sweep]) -> Any:
        return reasoned_action(
            self,
            request,
            queryset,
            verb="Retry",
            apply=lambda sweep, reason: sweep_retry(
                sweep=sweep, operator=request.user, reason=reason
            ),
        )


@admin.register(SweepAddress)
class SweepAddressAdmin(ReadOnlyAdmin):
    list_display = ("address", "client", "network", "due", "due_since", "checked_at", "sweeps")
    list_filter = ("due", "network")
    search_fields = ("address",)
    actions = ["look_again"]

    @admin.display(description="sweeps")
    def sweeps(self, row: SweepAddress) -> SafeString:
        return changelist_link(Sweep, "its sweeps", q=row.address)

    def has_look_again_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("sweeps.change_sweepaddress"))

    @admin.action(
        description="Look at these addresses again on the next pass", permissions=["look_again"]
    )
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
