"""Admin for the shared kernel. The audit log is read-only: operators look, nobody edits."""

from __future__ import annotations

from django.contrib import admin

from lucid_payments.core.admin_mixins import ReadOnlyAdmin
from lucid_payments.core.models import AuditEvent, IdempotencyRecord


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action",
        "actor_type",
        "actor_label",
        "object_type",
        "object_id",
        "client_id",
    )
    list_filter = ("action", "actor_type", "created_at")
    search_fields = ("action", "actor_id", "actor_label", "object_type", "object_id", "=client_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    list_per_page = 100
    # The change page doubles as the detail view; every field is shown read-only.
    readonly_fields = (
        "created_at",
        "actor_type",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "client_id",
        "data",
    )
    fields = readonly_fields


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    """For support questions ("did my retry run twice?"); records expire on their own."""

    list_display = (
        "created_at",
        "scope",
        "key",
        "state",
        "response_status",
        "effect_model",
        "effect_pk",
        "expires_at",
    )
    list_filter = ("state", "response_status")
    search_fields = ("=scope", "key")
    ordering = ("-created_at",)
    fields = readonly_fields = (
        "scope",
        "key",
        "fingerprint",
        "state",
        "response_status",
        "response_headers",
        "created_at",
        "expires_at",
    )
