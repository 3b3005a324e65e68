"""Serializer fields that take a JSON string only.

DRF's CharField (and RegexField, EmailField built on it) turns a JSON number into its text,
so ``{"address": 12}`` or ``{"external_ref": 1e5}`` passes as the string "12" or "100000.0"
although the document says string. These refuse anything but a string, as the document
promises; multipart form values are always strings and are unaffected.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class _StringsOnly(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.", code="invalid")
        return super().to_internal_value(data)


class StrictCharField(_StringsOnly):
    """A CharField that refuses numbers and booleans instead of turning them into text."""


class StrictRegexField(_StringsOnly, serializers.RegexField):
    """A RegexField that refuses numbers (a long integer can match a digit pattern)."""


class StrictEmailField(_StringsOnly, serializers.EmailField):
    """An EmailField that refuses non-strings."""
