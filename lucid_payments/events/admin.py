"""Admin: events, read-only (they are append-only)."""

from __future__ import annotations

from django.contrib import admin

from lucid_payments.core.admin_mixins import ReadOnlyAdmin
from lucid_payments.events.models import Event

EVENT_FIELDS: tuple[str, ...] = ("public_id", "type", "client", "object_id", "created_at", "data")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "type", "client", "object_id", "created_at"]
    list_filter = [
        "type",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=public_id", "=object_id"]
    list_select_related = ["client"]
    date_hierarchy = "created_at"
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS
