"""Admin: invoices, their payments and refunds (read-only: they change through services),
each client's invoice settings (editable, audited), and the daily net settlement per
client."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString

from gateway.invoices.models import (
    Invoice,
    InvoiceException,
    InvoicePayment,
    InvoiceSettings,
    InvoiceStatus,
    Refund,
)
from gateway.invoices.operator_marks import invoice_mark
from gateway.invoices.selectors import invoices_with_refunded
from gateway.invoices.settlement import daily_settlement, net_display
from gateway.sweeps.models import Sweep
from lucid_payments.core.admin_display import (
    admin_link,
    amount_text,
    changelist_link,
    status_badge,
    sun_text,
)
from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin, TxidSearchAdmin
from lucid_payments.core.admin_reasons import reasoned_action
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset, format_amount
from lucid_payments.events.models import Event
from wallets.models import JournalEntry

PAYMENT_FIELDS = (
    "txid_link",
    "index",
    "amount_text",
    "status_badge",
    "block_number",
    "seen_at",
    "late",
    "ledger",
)
MARK_PERMISSION = "console.mark_invoice"
SWEEP_FIELDS = ("public_id", "asset", "amount", "status", "txid", "cost_total_sun")


class PaymentInline(ListedOnlyInline):
    """Each payment links to its chain transfer and to the ledger entry that credited it."""

    model = InvoicePayment
    fields = PAYMENT_FIELDS
    readonly_fields = PAYMENT_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="txid")
    def txid_link(self, payment: InvoicePayment) -> SafeString:
        return changelist_link("tron.chaintransfer", payment.txid, q=payment.txid)

    @admin.display(description="amount")
    def amount_text(self, payment: InvoicePayment) -> str:
        return amount_text(payment.amount, payment.invoice.asset)

    @admin.display(description="status")
    def status_badge(self, payment: InvoicePayment) -> SafeString:
        return status_badge(payment.status)

    @admin.display(description="ledger entry")
    def ledger(self, payment: InvoicePayment) -> SafeString | str:
        reference = f"chain:{payment.invoice.network}:{payment.txid}:{payment.index}"
        entry = JournalEntry.objects.filter(reference=reference).first()
        return admin_link(entry, f"entry {entry.pk}") if entry else "not credited yet"


class RefundInline(ListedOnlyInline):
    model = Refund
    fields = ("public_id", "amount_text", "status", "txid", "created_at")
    readonly_fields = fields
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="amount")
    def amount_text(self, refund: Refund) -> str:
        return amount_text(refund.amount, refund.asset)


class SweepInline(ListedOnlyInline):
    """The sweeps of the invoice's address, each linked to its own page."""

    model = Sweep
    fields = SWEEP_FIELDS
    readonly_fields = SWEEP_FIELDS
    show_change_link = True


@admin.register(Invoice)
class InvoiceAdmin(TxidSearchAdmin):
    list_display = (
        "public_id",
        "client_link",
        "customer",
        "order_id",
        "amount_display",
        "paid_display",
        "status_badge",
        "exception_badge",
        "cost_display",
        "net_display",
        "created_at",
        "paid_at",
    )
    list_filter = (
        "status",
        "exception",
        "asset",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    # Public id, order id, the invoice's address, a payment's txid (stored lower-case),
    # the customer's external ref or e-mail.
    search_fields = (
        "=public_id",
        "order_id",
        "=address__address",
        "=payments__txid",
        "=customer__external_ref",
        "customer__email",
    )
    list_select_related = ("client", "customer")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "public_id",
        "client_link",
        "customer",
        "network",
        "asset",
        "amount_display",
        "paid_display",
        "status_badge",
        "exception_badge",
        "order_id",
        "description",
        "address_link",
        "speed_policy",
        "net_display",
        "created_at",
        "expires_at",
        "monitoring_until",
        "paid_at",
        "cost_display",
        "related",
    )
    fields = readonly_fields
    inlines = [PaymentInline, RefundInline, SweepInline]
    actions = ["mark_paid", "mark_invalid"]
    change_list_template = "admin/invoices/invoice/change_list.html"

    def has_mark_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(MARK_PERMISSION))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invoice]:
        return invoices_with_refunded(super().get_queryset(request))

    @admin.display(description="client", ordering="client__name")
    def client_link(self, invoice: Invoice) -> SafeString | str:
        return admin_link(invoice.client)

    @admin.display(description="amount")
    def amount_display(self, invoice: Invoice) -> str:
        if invoice.amount is None:
            return f"any {invoice.asset}"
        return amount_text(invoice.amount, invoice.asset)

    @admin.display(description="paid", ordering="paid_amount")
    def paid_display(self, invoice: Invoice) -> str:
        return amount_text(invoice.paid_amount, invoice.asset)

    @admin.display(description="status", ordering="status")
    def status_badge(self, invoice: Invoice) -> SafeString:
        return status_badge(invoice.status, invoice.get_status_display())

    @admin.display(description="exception", ordering="exception")
    def exception_badge(self, invoice: Invoice) -> SafeString | str:
        if invoice.exception == InvoiceException.NONE:
            return ""
        return status_badge(
            "waiting" if invoice.exception != "paid_late" else "neutral",
            invoice.get_exception_display(),
        )

    @admin.display(description="cost to collect")
    def cost_display(self, invoice: Invoice) -> str:
        return sun_text(invoice.cost_total_sun)

    @admin.display(description="address")
    def address_link(self, invoice: Invoice) -> SafeString | str:
        return admin_link(invoice.address, invoice.address.address) if invoice.address_id else "—"

    @admin.display(description="related")
    def related(self, invoice: Invoice) -> SafeString:
        """Chain transfers to its address, its events and its audit trail, each a filtered
        list (each payment links its own transfer and ledger entry above)."""
        address = invoice.address.address if invoice.address_id else ""
        return format_html(
            "{} · {} · {}",
            changelist_link("tron.chaintransfer", "chain transfers to its address", q=address),
            changelist_link(Event, "events", q=invoice.public_id),
            changelist_link(AuditEvent, "audit trail", q=f"invoices.invoice {invoice.pk}"),
        )

    @admin.action(description="Mark paid (with a reason)…", permissions=["mark"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> Any:
        return self._mark(request, queryset, InvoiceStatus.PAID, "Mark paid")

    @admin.action(description="Mark invalid (with a reason)…", permissions=["mark"])
    def mark_invalid(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> Any:
        return self._mark(request, queryset, InvoiceStatus.INVALID, "Mark invalid")

    def _mark(
        self, request: HttpRequest, queryset: QuerySet[Invoice], status: str, verb: str
    ) -> Any:
        actor = AuditActor.operator(request.user)
        return reasoned_action(
            self,
            request,
            queryset,
            verb=verb,
            apply=lambda invoice, reason: invoice_mark(
                invoice_id=invoice.pk, status=status, reason=reason, actor=actor
            ),
        )

    @admin.display(description="net")
    def net_display(self, invoice: Invoice) -> str:
        """Received less refunds and collection costs, per asset (as the API's
        settlement.net)."""
        kept = invoice.paid_amount - invoice.refunded  # type: ignore[attr-defined]
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
    list_display = ("public_id", "invoice", "client", "amount_text", "status_badge", "txid")
    list_filter = ("status", "asset", ("client", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=public_id", "=txid", "=invoice__public_id", "=to_address")

    @admin.display(description="amount", ordering="amount")
    def amount_text(self, refund: Refund) -> str:
        return amount_text(refund.amount, refund.asset)

    @admin.display(description="status", ordering="status")
    def status_badge(self, refund: Refund) -> SafeString:
        return status_badge(refund.status)


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
