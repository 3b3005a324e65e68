"""The events of KYC reviews, for the client whose customer was reviewed."""

from __future__ import annotations

from rest_framework import serializers

from lucid_payments.accounts.models import KycApplication
from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register


class KycEventOutput(serializers.Serializer[KycApplication]):
    id = serializers.IntegerField(help_text="The KYC application")
    customer_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=KycApplication.Status.choices)
    level = serializers.ChoiceField(choices=KycApplication.Level.choices)
    submitted_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when an approval lets the customer take the KYC route"
    )


KYC_TYPES = {
    KycApplication.Status.APPROVED: EventType(
        "kyc.approved",
        "An operator approved a customer's KYC application (four eyes); the customer's "
        "payouts take the KYC route until it expires.",
        KycEventOutput,
    ),
    KycApplication.Status.REJECTED: EventType(
        "kyc.rejected", "An operator rejected a customer's KYC application.", KycEventOutput
    ),
    KycApplication.Status.EXPIRED: EventType(
        "kyc.expired",
        "An approved KYC application passed its validity; the customer needs a new one.",
        KycEventOutput,
    ),
}


def register_kyc_event_types() -> None:
    event_type_register(*KYC_TYPES.values())


def kyc_event_publish(application: KycApplication) -> None:
    """The event of ``application`` reaching its current (reviewed) status; call it in
    the transaction that changed the status."""
    event_type = KYC_TYPES[KycApplication.Status(application.status)]
    event_publish(
        type=event_type.name,
        client_id=application.customer.client_id,
        object_id=str(application.pk),
        data=KycEventOutput(application).data,
        key=f"{event_type.name}:{application.pk}",
    )
