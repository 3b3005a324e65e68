"""Admin: invoices, their payments and refunds (read-only: they change through services),
each client's invoice settings (editable, audited), and the daily net settlement per
client."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from gateway.invoices.models import (
    Invoice,
    InvoicePayment,
    InvoiceSettings,
    Refund,
)
from gateway.invoices.selectors import refunded_total
from gateway.invoices.settlement import daily_settlement, net_display
from gateway.sweeps.models import Sweep
from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.money import Asset, format_amount

PAYMENT_FIELDS = ("txid", "index", "amount", "status", "block_number", "seen_at", "late")
SWEEP_FIELDS = ("public_id", "asset", "amount", "status", "txid", "cost_total_sun")


class PaymentInline(ListedOnlyInline):
    model = InvoicePayment
    fields = PAYMENT_FIELDS
    readonly_fields = PAYMENT_FIELDS


class SweepInline(ListedOnlyInline):
    """The sweeps of the invoice's address, each linked to its own page."""

    model = Sweep
    fields = SWEEP_FIELDS
    readonly_fields = SWEEP_FIELDS
    show_change_link = True


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "client",
        "asset",
        "amount_display",
        "paid_display",
        "status",
        "exception",
        "cost_total_sun",
        "net_display",
        "created_at",
    )
    list_filter = ("status", "exception", "asset")
    search_fields = ("public_id", "order_id", "address__address")
    inlines = [PaymentInline, SweepInline]
    change_list_template = "admin/invoices/invoice/change_list.html"

    @admin.display(description="amount")
    def amount_display(self, invoice: Invoice) -> str:
        return "any" if invoice.amount is None else format_amount(invoice.amount, invoice.asset)

    @admin.display(description="paid")
    def paid_display(self, invoice: Invoice) -> str:
        return format_amount(invoice.paid_amount, invoice.asset)

    @admin.display(description="net")
    def net_display(self, invoice: Invoice) -> str:
        """Received less refunds and collection costs, per asset (as the API's
        settlement.net)."""
        kept = invoice.paid_amount - refunded_total(invoice)
        return net_display(invoice.asset, kept, invoice.cost_total_sun)

    def get_urls(self) -> list[URLPattern]:
        summary = path(
            "daily-summary/",
            self.admin_site.admin_view(self.daily_summary),
            name="invoices_invoice_daily_summary",
        )
        return [summary, *super().get_urls()]

    def daily_summary(self, request: HttpRequest) -> HttpResponse:
        """Per client and day: paid invoices, what they brought in, the refunds, what
        collecting them cost (TRX) and the net (``gateway.invoices.settlement``)."""
        table = [
            {
                "day": row.day,
                "client": row.client,
                "asset": row.asset,
                "invoices": row.invoices,
                "received": format_amount(row.received, row.asset),
                "refunded": format_amount(row.refunded, row.asset),
                "costs_trx": format_amount(row.costs_sun, Asset.TRX),
                "net": row.net,
            }
            for row in daily_settlement()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Daily net settlement",
            "rows": table,
        }
        return TemplateResponse(request, "admin/invoices/daily_summary.html", context)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "invoice", "client", "asset", "amount", "status", "txid")
    list_filter = ("status", "asset")
    search_fields = ("public_id", "txid", "invoice__public_id")


@admin.register(InvoiceSettings)
class InvoiceSettingsAdmin(admin.ModelAdmin):
    list_display = ("client", "default_expires_in", "monitoring_window", "speed_policy")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(
            actor=AuditActor.operator(request.user),
            action="invoice_settings.changed",
            target=obj,
            client_id=obj.client_id,
            data={"fields": list(form.changed_data)},
        )
