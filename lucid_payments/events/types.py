"""The event types: each one's name, when it happens and the schema of its ``data``.

Domain apps register their types when they start (``AppConfig.ready``), so this kernel
app never imports them; the payment-gateway's OpenAPI document and the README list what
is registered here.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from rest_framework import serializers


@dataclass(frozen=True)
class EventType:
    name: str  # "<object>.<what happened>", e.g. "deposit.credited"
    when: str  # one sentence for the documentation
    data: type[serializers.Serializer]  # documents ``data``


_registry: dict[str, EventType] = {}


def event_type_register(*types: EventType) -> None:
    for event_type in types:
        known = _registry.get(event_type.name)
        if known is not None and known != event_type:
            raise ValueError(f"event type {event_type.name} is registered twice, differently")
        _registry[event_type.name] = event_type


def event_types() -> list[EventType]:
    return sorted(_registry.values(), key=lambda t: t.name)


def event_type_get(name: str) -> EventType | None:
    return _registry.get(name)


def is_event_pattern(pattern: str) -> bool:
    """``*``, ``<object>.*`` or a registered type: what a filter or a subscription names."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return any(name.startswith(prefix) for name in _registry)
    return pattern in _registry


def event_matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
