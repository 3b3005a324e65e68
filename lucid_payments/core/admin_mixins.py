"""Admin building blocks for records that change only through services.

Money, keys, chain facts and the audit trail move through services that lock, re-check and
audit; an admin form would bypass all three. Admins of such records are for looking.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from lucid_payments.core.admin_display import lower_txids


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: no add, change or delete (the change page becomes a view page)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TxidSearchAdmin(ReadOnlyAdmin):
    """Browse only, and search terms that look like txids are lower-cased first (see
    ``lower_txids``), for records found by the transaction that moved them."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(request, queryset, lower_txids(search_term))


class ListedOnlyInline(admin.TabularInline):
    """The parent's rows listed as they are: no blank rows, none added or deleted here.
    Subclasses set ``fields`` and ``readonly_fields`` to what is shown."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
