"""Query parameters shared by the newest-first lists (events, invoices, webhook
deliveries, ledger transfers): a page size, a cursor, and a creation-time range."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import InputCharField, InputDateTimeField, InputIntegerField

MAX_PAGE = 100
DEFAULT_PAGE = 20


class NewestFirstPage(serializers.Serializer[Any]):
    limit = InputIntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        default=DEFAULT_PAGE,
        help_text=f"Items per page, {DEFAULT_PAGE} when left out, at most {MAX_PAGE}",
    )
    starting_after = InputCharField(
        required=False,
        max_length=32,
        help_text="An id from the previous page: the page continues with the items older than it",
    )


class CreatedRange(serializers.Serializer[Any]):
    created_gte = InputDateTimeField(required=False, help_text="Created at or after (ISO 8601)")
    created_lt = InputDateTimeField(required=False, help_text="Created before (ISO 8601)")
