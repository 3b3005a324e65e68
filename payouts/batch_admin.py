"""Payout batches in the admin, for looking: the list (filter by status and schedule) and
each batch with its items in order. Batches and their payouts change only through the
services; an item is decided on its own payout's page (Approve… / Reject…)."""

from __future__ import annotations

from django.contrib import admin

from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin
from payouts.batch_models import PayoutBatch, PayoutBatchItem


class PayoutBatchItemInline(ListedOnlyInline):
    model = PayoutBatchItem
    fields = ("position", "payout")
    readonly_fields = fields
    ordering = ("position",)


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "client",
        "schedule",
        "status",
        "item_count",
        "release_at",
        "created_at",
        "completed_at",
    )
    list_filter = ("status", "schedule")
    search_fields = ("public_id", "client__name")
    list_select_related = ("client",)
    ordering = ("-id",)
    inlines = [PayoutBatchItemInline]
