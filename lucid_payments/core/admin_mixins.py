"""Admin building blocks for records that change only through services.

Money, keys, chain facts and the audit trail move through services that lock, re-check and
audit; an admin form would bypass all three. Admins of such records are for looking.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: no add, change or delete (the change page becomes a view page)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ListedOnlyInline(admin.TabularInline):
    """The parent's rows listed as they are: no blank rows, none added or deleted here.
    Subclasses set ``fields`` and ``readonly_fields`` to what is shown."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
