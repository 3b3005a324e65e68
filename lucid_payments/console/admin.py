"""The stored readings behind the dashboard, to look back at (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.safestring import SafeString

from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.core.admin_display import status_badge
from lucid_payments.core.admin_mixins import ReadOnlyAdmin


@admin.register(ReconcileRun)
class ReconcileRunAdmin(ReadOnlyAdmin):
    list_display = (
        "finished_at",
        "source",
        "verdict_badge",
        "head_block",
        "scanned_block",
        "error",
    )
    list_filter = ("verdict", "source", ("finished_at", admin.DateFieldListFilter))
    date_hierarchy = "finished_at"
    fields = readonly_fields = (
        "finished_at",
        "source",
        "verdict",
        "head_block",
        "scanned_block",
        "lines",
        "staked",
        "error",
    )

    @admin.display(description="verdict", ordering="verdict")
    def verdict_badge(self, run: ReconcileRun) -> SafeString:
        return status_badge(run.verdict, run.get_verdict_display())


@admin.register(NodeReading)
class NodeReadingAdmin(ReadOnlyAdmin):
    list_display = ("read_at", "network", "head_block", "solid_block", "error")
    list_filter = ("network", ("read_at", admin.DateFieldListFilter))
    date_hierarchy = "read_at"
    fields = readonly_fields = (
        "read_at",
        "network",
        "head_block",
        "solid_block",
        "wallets",
        "error",
    )
