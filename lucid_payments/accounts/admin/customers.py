"""Customers in the admin: searchable, blockable; created by clients through the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from lucid_payments.accounts.models import Customer, KycApplication
from lucid_payments.accounts.services import customer_set_status
from lucid_payments.core.admin_display import status_badge
from lucid_payments.core.admin_mixins import ListedOnlyInline
from lucid_payments.core.audit import AuditActor, audit_log


class KycApplicationInline(ListedOnlyInline):
    model = KycApplication
    fields = ("status", "level", "submitted_at", "reviewer", "reviewed_at", "expires_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_ref", "client", "state", "display_name", "email", "created_at")
    list_filter = ("status", ("client", admin.RelatedOnlyFieldListFilter))
    search_fields = ("external_ref", "display_name", "email")
    readonly_fields = ("client", "external_ref", "status", "created_at", "updated_at")
    fields = ("client", "external_ref", "status", "display_name", "email", "created_at")
    inlines = [KycApplicationInline]
    actions = ["block_selected", "unblock_selected"]

    @admin.display(description="status", ordering="status")
    def state(self, customer: Customer) -> SafeString:
        return status_badge(customer.status, customer.get_status_display())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # clients register their customers through the API

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_log(
                actor=AuditActor.operator(request.user),
                action="customer.updated",
                target=obj,
                data={"changed": list(form.changed_data)},
                client_id=obj.client_id,
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Customer], status: Customer.Status
    ) -> None:
        actor = AuditActor.operator(request.user)
        for customer in queryset:
            customer_set_status(customer=customer, status=status, actor=actor)
        messages.success(request, f"{queryset.count()} customer(s) now {status.label.lower()}.")

    @admin.action(description="Block selected customers")
    def block_selected(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        self._set_status(request, queryset, Customer.Status.BLOCKED)

    @admin.action(description="Unblock selected customers")
    def unblock_selected(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        self._set_status(request, queryset, Customer.Status.ACTIVE)
