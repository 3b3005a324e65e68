"""Request and response shapes of book transfers (``/api/v1/ledger/transfers``): ledger
money between a client and one of its customers, with no chain transaction."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import InputCharField, InputChoiceField, InputIntegerField
from lucid_payments.core.money import Asset, MoneySerializer
from lucid_payments.core.paging import CreatedRange, NewestFirstPage
from wallets.api.serializers import MoneyOutput, money
from wallets.models.ledger_transfers import (
    LEDGER_TRANSFER_REFERENCE_MAX_LENGTH,
    LedgerTransfer,
    LedgerTransferParty,
)


class PartyInput(serializers.Serializer[Any]):
    type = InputChoiceField(
        choices=LedgerTransferParty.choices,
        help_text='"client": you (the calling client); "customer": one of your customers',
    )
    customer_id = InputIntegerField(
        required=False,
        min_value=1,
        help_text='With type "customer" only (required there). A customer that is not one '
        "of yours is 404, whether or not it exists.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        is_customer = attrs["type"] == LedgerTransferParty.CUSTOMER
        if is_customer and "customer_id" not in attrs:
            raise serializers.ValidationError(
                {"customer_id": ['Required when type is "customer".']}
            )
        if not is_customer and "customer_id" in attrs:
            raise serializers.ValidationError(
                {"customer_id": ['Only with type "customer": the client is you.']}
            )
        return attrs


class PartyOutput(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=LedgerTransferParty.choices)
    customer_id = serializers.IntegerField(
        allow_null=True, help_text='The customer; null when type is "client"'
    )


def _from_first(fields: dict[str, serializers.Field], party: serializers.Field) -> Any:
    """``from`` is a Python keyword, so it cannot be a class attribute: added here, first."""
    return {"from": party, **fields}


class LedgerTransferInput(serializers.Serializer[Any]):
    to = PartyInput(help_text="Who is credited")
    amount = MoneySerializer()
    reference = InputCharField(
        max_length=LEDGER_TRANSFER_REFERENCE_MAX_LENGTH,
        help_text="Your reference, unique among your transfers: the same reference with the "
        "same body answers the transfer already made; with another body it is a 409",
    )
    description = InputCharField(max_length=255, required=False, default="", allow_blank=True)

    def get_fields(self) -> Any:
        return _from_first(super().get_fields(), PartyInput(help_text="Who pays"))


class LedgerTransferOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="ltr_…")
    to = PartyOutput()
    amount = MoneyOutput()
    reference = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    ledger_entry_id = serializers.IntegerField(
        help_text="The journal entry that booked it (see GET /api/v1/ledger/entries)"
    )
    created_at = serializers.DateTimeField()

    def get_fields(self) -> Any:
        return _from_first(super().get_fields(), PartyOutput())


class LedgerTransferPageOutput(serializers.Serializer[Any]):
    transfers = LedgerTransferOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older transfers follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class LedgerTransferFilter(CreatedRange, NewestFirstPage):
    """Query parameters of the transfer list; leave one out for no filter."""

    asset = InputChoiceField(required=False, choices=Asset.choices)
    customer_id = InputIntegerField(
        required=False,
        min_value=1,
        help_text="Only transfers from or to this customer. A customer that is not one of "
        "yours is 404, whether or not it exists.",
    )
    reference = InputCharField(required=False, max_length=LEDGER_TRANSFER_REFERENCE_MAX_LENGTH)


def _party(customer_id: int | None) -> dict[str, Any]:
    if customer_id is None:
        return {"type": LedgerTransferParty.CLIENT.value, "customer_id": None}
    return {"type": LedgerTransferParty.CUSTOMER.value, "customer_id": customer_id}


def ledger_transfer_output(transfer: LedgerTransfer) -> dict[str, Any]:
    """A book transfer as the API shows it (``LedgerTransferOutput``)."""
    return dict(
        LedgerTransferOutput(
            {
                "id": transfer.public_id,
                "from": _party(transfer.from_customer_id),
                "to": _party(transfer.to_customer_id),
                "amount": money(transfer.amount, transfer.asset),
                "reference": transfer.reference,
                "description": transfer.description,
                "ledger_entry_id": transfer.entry_id,
                "created_at": transfer.created_at,
            }
        ).data
    )
