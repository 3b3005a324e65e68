"""Serializer fields that accept only what the OpenAPI document says.

DRF's CharField (and RegexField, EmailField built on it) turns a JSON number into its text,
so ``{"address": 12}`` or ``{"external_ref": 1e5}`` passes as the string "12" or "100000.0"
although the document says string. The ``Strict*`` fields refuse anything but a string, as
the document promises; multipart form values are always strings and are unaffected.

DRF also reads a query (or form) value that is present but empty (``?asset=``) as if the
parameter had been left out, whenever the field is optional. The document cannot say that
(it says ``minLength: 1`` or an enum), and a client that sends ``?asset=`` by mistake would
silently get every asset. For the ``Input*`` fields an empty value is a value: refused
unless the field allows blank (``label``), exactly as the same value in a JSON body is.
Leaving the parameter out still means "no filter" or the default.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.utils import html


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


class _SentMeansValidated(serializers.Field):
    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary[self.field_name]
        return super().get_value(dictionary)


class InputCharField(_SentMeansValidated, StrictCharField):
    """A string input: JSON numbers and booleans refused, an empty form value not absent."""


class InputChoiceField(_SentMeansValidated, serializers.ChoiceField):
    """A choice input (query or body) whose empty value is an invalid choice, not absent."""


class InputIntegerField(_SentMeansValidated, serializers.IntegerField):
    """An integer input (query or body) whose empty value is invalid, not absent."""


class InputDateTimeField(_SentMeansValidated, serializers.DateTimeField):
    """A date-time input (query or body) whose empty value is invalid, not absent."""


class StrictURLField(_StringsOnly, serializers.URLField):
    """A URLField that refuses non-strings (DRF would validate the text of a number)."""


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean only: DRF also reads "true", "yes", 1 and "on" as True, which the
    document (``type: boolean``) does not allow."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError("Must be true or false.", code="invalid")
        return data
