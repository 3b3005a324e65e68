"""Free-form ``metadata`` a client attaches to an object (an invoice, a payout): any JSON
object that PostgreSQL's jsonb can store (finite numbers, no NUL), at most 4 KB once
encoded."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers

MAX_METADATA_BYTES = 4096


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class MetadataField(serializers.DictField):
    """A JSON object of at most ``MAX_METADATA_BYTES``, ``{}`` when left out."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", dict)
        kwargs.setdefault("help_text", "Any JSON object, at most 4 KB once encoded")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value: dict[str, Any] = super().to_internal_value(data)
        try:
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except ValueError:  # 1e999 parses as inf; jsonb has no infinite number
            raise serializers.ValidationError("Numbers must be finite.") from None
        try:
            encoded = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: no database can store it as text
            raise serializers.ValidationError("Must be valid Unicode text.") from None
        if _has_nul(value):  # PostgreSQL's jsonb refuses NUL in strings
            raise serializers.ValidationError("Null characters are not allowed.")
        if len(encoded) > MAX_METADATA_BYTES:
            raise serializers.ValidationError("At most 4 KB once encoded as JSON.")
        return value
