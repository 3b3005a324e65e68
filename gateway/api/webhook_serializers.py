"""The webhook endpoints API's shapes: endpoints (with the secret only when it is made),
deliveries with their attempts, and the inputs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from gateway.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from lucid_payments.core.fields import (
    InputChoiceField,
    StrictBooleanField,
    StrictCharField,
    StrictURLField,
)
from lucid_payments.core.paging import NewestFirstPage
from lucid_payments.events.types import is_event_pattern

MAX_PATTERNS = 50
URL_MAX_LENGTH = 2048


class _EventPatterns(serializers.ListField):
    child = StrictCharField(max_length=64)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            allow_empty=False,
            max_length=MAX_PATTERNS,
            help_text="Event types to send: a type ('deposit.credited'), every type of an "
            "object ('deposit.*') or everything ('*').",
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> list[str]:
        patterns: list[str] = super().to_internal_value(data)
        unknown = [p for p in patterns if not is_event_pattern(p)]
        if unknown:
            raise serializers.ValidationError(
                [f"Not an event type, '<object>.*' or '*': {p!r}." for p in unknown]
            )
        return list(dict.fromkeys(patterns))  # once each, in the order given


def _url_field(**kwargs: Any) -> StrictURLField:
    return StrictURLField(
        max_length=URL_MAX_LENGTH,
        help_text="http(s) URL on a public address (checked now and before every delivery)",
        **kwargs,
    )


class EndpointCreateInput(serializers.Serializer[Any]):
    url = _url_field()
    events = _EventPatterns()
    description = StrictCharField(required=False, allow_blank=True, max_length=500, default="")


class EndpointUpdateInput(serializers.Serializer[Any]):
    """Only the fields sent change."""

    url = _url_field(required=False)
    events = _EventPatterns(required=False)
    description = StrictCharField(required=False, allow_blank=True, max_length=500)
    enabled = StrictBooleanField(required=False)


class EndpointOutput(serializers.Serializer[WebhookEndpoint]):
    id = serializers.CharField(source="public_id", help_text="we_…")
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    enabled = serializers.BooleanField()
    disabled_reason = serializers.ChoiceField(
        choices=[c for c in DisabledReason.values if c],
        allow_null=True,
        help_text="Why it is disabled (client, operator, gone: the receiver answered 410, "
        "failing: 5 days of failed attempts); null while enabled",
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance: WebhookEndpoint) -> dict[str, Any]:
        body: dict[str, Any] = super().to_representation(instance)
        body["disabled_reason"] = instance.disabled_reason or None
        return body


class _SecretFromContext(serializers.CharField):
    """The plaintext secret is not on the endpoint (it is stored sealed): the view that
    just made it passes it as ``context["secret"]``."""

    def get_attribute(self, instance: Any) -> Any:
        return self.context.get("secret")


class EndpointWithSecretOutput(EndpointOutput):
    secret = _SecretFromContext(
        allow_null=True,
        help_text="whsec_… — verify deliveries with it (Standard Webhooks). Shown only in "
        "this answer: a replay of the same Idempotency-Key answers null.",
    )


class AttemptOutput(serializers.Serializer[WebhookAttempt]):
    started_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="null: no HTTP answer")
    latency_ms = serializers.IntegerField()
    succeeded = serializers.BooleanField()
    response_excerpt = serializers.CharField(help_text="The first 1 KB of the answer")
    error = serializers.CharField(help_text="Why there was no answer; empty if there was one")


class DeliveryOutput(serializers.Serializer[WebhookDelivery]):
    id = serializers.CharField(source="public_id", help_text="whd_…")
    event_id = serializers.CharField(source="event.public_id", help_text="evt_…, the webhook-id")
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    next_attempt_at = serializers.DateTimeField(
        allow_null=True, help_text="When it is tried next; null unless pending"
    )
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attempts = AttemptOutput(many=True, help_text="Every attempt, oldest first")

    def to_representation(self, instance: WebhookDelivery) -> dict[str, Any]:
        body: dict[str, Any] = super().to_representation(instance)
        if instance.status != DeliveryStatus.PENDING:
            body["next_attempt_at"] = None
        return body


class DeliveryPageOutput(serializers.Serializer[Any]):
    deliveries = DeliveryOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older deliveries follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class DeliveryFilter(NewestFirstPage):
    """Query parameters of the delivery list; leave one out for no filter."""

    status = InputChoiceField(required=False, choices=DeliveryStatus.choices)
