"""The events API's shapes: the event object, the page, and the list's filters."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from lucid_payments.core.fields import InputCharField
from lucid_payments.core.paging import CreatedRange, NewestFirstPage
from lucid_payments.events.models import Event
from lucid_payments.events.types import event_types, is_event_pattern


def _types_documentation() -> str:
    """Each registered type: its name, when it happens and the schema of its ``data``
    (types register when the apps start, before any URLconf is loaded)."""
    lines = ["What happened. The types, when each happens, and the schema of its `data`:", ""]
    lines += [f"- `{t.name}` ({_component(t.data)}): {t.when}" for t in event_types()]
    return "\n".join(lines)


def _component(serializer: type[serializers.Serializer[Any]]) -> str:
    return serializer.__name__.removesuffix("Serializer")


def _data_serializers() -> list[type[serializers.Serializer[Any]]]:
    return sorted({t.data for t in event_types()}, key=_component)


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="EventData",
        serializers=_data_serializers(),
        resource_type_field_name=None,
    )
)
class EventDataField(serializers.DictField):
    """The stored snapshot, as it was written (documented as one of the types' schemas)."""


class EventOutput(serializers.Serializer[Event]):
    id = serializers.CharField(source="public_id", help_text="evt_…, also the webhook-id")
    type = serializers.ChoiceField(
        choices=[t.name for t in event_types()], help_text=_types_documentation()
    )
    object_id = serializers.CharField(help_text="The id of the object the event is about")
    created_at = serializers.DateTimeField()
    data = EventDataField(  # type: ignore[assignment]
        help_text="The object as the API showed it when the event happened; its schema is "
        "the one its type names"
    )


class EventPageOutput(serializers.Serializer[Any]):
    events = EventOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older events follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class EventFilter(CreatedRange, NewestFirstPage):
    """Query parameters of the event list. Leave one out for no filter; an empty value is
    refused with 400 like any other invalid value."""

    type = InputCharField(
        required=False,
        max_length=64,
        help_text="An event type, '<object>.*' (every type of an object), or '*'",
    )
    object_id = InputCharField(required=False, max_length=128)

    def validate_type(self, value: str) -> str:
        if not is_event_pattern(value):
            raise serializers.ValidationError("Not an event type, '<object>.*' or '*'.")
        return value
