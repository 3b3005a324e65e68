"""The one way a view reads its input: a serializer's validated data, or a 400."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def validated(serializer: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """``data`` (a request body or query) as ``serializer`` validates it; a 400 naming the
    fields that do not validate otherwise."""
    checked = serializer(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)
