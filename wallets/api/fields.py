"""Input fields of the wallet-manager API: a value that is sent is validated, even when empty.

DRF reads a query (or form) value that is present but empty (``?asset=``) as if the
parameter had been left out, whenever the field is optional. The OpenAPI document cannot say
that (it says ``minLength: 1`` or an enum), and a client that sends ``?asset=`` by mistake
would silently get every asset. Here an empty value is a value: refused unless the field
allows blank (``label``), exactly as the same value in a JSON body is. Leaving the parameter
out still means "no filter" or the default. String fields also refuse JSON numbers.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.utils import html

from lucid_payments.core.fields import StrictCharField


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
