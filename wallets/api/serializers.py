"""Request and response shapes of the wallet-manager API. Amounts are decimal strings
with an asset code; private material has no field here at all."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import (
    InputCharField,
    InputChoiceField,
    InputDateTimeField,
    InputIntegerField,
)
from lucid_payments.core.money import Asset, MoneySerializer, format_amount
from lucid_payments.tron.api.serializers import ResourcesOutput, tron_address
from lucid_payments.tron.selectors import OutgoingView
from wallets.models.ledger import EntryKind
from wallets.models.wallets import TENANT_WALLET_KINDS, Wallet, WalletAddress


def money(units: int, asset: Asset | str) -> dict[str, str]:
    return {"amount": format_amount(units, asset), "asset": str(Asset(asset).value)}


class MoneyOutput(serializers.Serializer[Any]):
    amount = serializers.CharField()
    asset = serializers.ChoiceField(choices=Asset.choices)


class WalletCreateInput(serializers.Serializer[Any]):
    kind = InputChoiceField(choices=TENANT_WALLET_KINDS)
    label = InputCharField(max_length=200, required=False, default="", allow_blank=True)  # type: ignore[assignment]
    address = InputCharField(
        max_length=64,
        required=False,
        help_text="Cold wallets only (required there): the address to watch. Leave it out "
        "for the other kinds; an empty string is refused, not read as absent.",
    )


class WalletOutput(serializers.ModelSerializer[Wallet]):
    class Meta:
        model = Wallet
        fields = ["id", "kind", "label", "network", "key_source", "address", "created_at"]
        read_only_fields = fields


class WalletAddressOutput(serializers.ModelSerializer[WalletAddress]):
    customer_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = WalletAddress
        fields = ["id", "wallet_id", "address", "index", "label", "customer_id", "created_at"]
        read_only_fields = fields


class AddressCreateInput(serializers.Serializer[Any]):
    label = InputCharField(max_length=200, required=False, default="", allow_blank=True)  # type: ignore[assignment]


# The chain view is tron-client's account read, so its resources are that read's shape.
# A subclass, not the same class: the name is this document's component name. (No
# docstring: drf-spectacular would publish it as the component's description.)
class ChainResourcesOutput(ResourcesOutput):
    pass


class ChainViewOutput(serializers.Serializer[Any]):
    activated = serializers.BooleanField()
    trx = MoneyOutput()
    usdt = MoneyOutput()
    resources = ChainResourcesOutput()


class BalanceOutput(serializers.Serializer[Any]):
    asset = serializers.ChoiceField(choices=Asset.choices)
    available = MoneyOutput()
    held = MoneyOutput()


class ChainErrorOutput(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text='Why the chain view is missing, e.g. "node_unavailable", '
        '"node_bad_response", "node_rejected".'
    )
    message = serializers.CharField()


class WalletDetailOutput(WalletOutput):
    chain = ChainViewOutput(
        allow_null=True,
        help_text="On-chain view of the wallet's first address; null when the node could "
        "not be read, and then chain_error says why.",
    )
    chain_error = ChainErrorOutput(
        allow_null=True,
        help_text="Null when chain is present; otherwise why the node could not be read. "
        "The rest of the answer (wallet, ledger) comes from the database and is complete.",
    )
    ledger = BalanceOutput(many=True, help_text="The owning client's ledger balances.")

    class Meta(WalletOutput.Meta):
        fields = [*WalletOutput.Meta.fields, "chain", "chain_error", "ledger"]
        read_only_fields = fields


class BalancesFilter(serializers.Serializer[Any]):
    customer = InputIntegerField(
        required=False,
        min_value=1,
        help_text="One customer's balances instead of your own. A customer id that is not one "
        "of yours is 404, whether or not it exists.",
    )


class BalancesOutput(serializers.Serializer[Any]):
    owner = serializers.CharField(help_text='"client" or "customer"')
    owner_id = serializers.IntegerField()
    balances = BalanceOutput(many=True)


class TransferInput(serializers.Serializer[Any]):
    to = InputCharField(
        max_length=64, help_text="The TRON address to send to: base58check T… or hex 41…."
    )
    amount = MoneySerializer(assets=(Asset.TRX,))

    def validate_to(self, value: str) -> str:
        # Checked here rather than left to the transfer service, whose address error names
        # a generic "address" field: a client must see the problem under the field it sent.
        return tron_address(value)


class TransferOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    txid = serializers.CharField(allow_blank=True)
    to = serializers.CharField()
    amount = MoneyOutput()


class PostingOutput(serializers.Serializer[Any]):
    owner = serializers.CharField()
    owner_id = serializers.IntegerField()
    asset = serializers.ChoiceField(choices=Asset.choices)
    bucket = serializers.CharField()
    amount = serializers.CharField(help_text="Signed decimal string: + credit, - debit.")
    balance_after = serializers.CharField()


class LedgerEntryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    reference = serializers.CharField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()
    postings = PostingOutput(many=True, help_text="Only the postings on your own accounts.")


class LedgerEntryFilter(serializers.Serializer[Any]):
    """Query filters of the ledger entry list. Leave a parameter out for no filter; an
    empty value (``?asset=``) is refused with 400 like any other invalid value."""

    asset = InputChoiceField(choices=Asset.choices, required=False)
    kind = InputChoiceField(choices=EntryKind.choices, required=False)
    customer = InputIntegerField(
        required=False,
        min_value=1,
        help_text="Only entries on this customer's accounts. A customer id that is not one "
        "of yours is 404, whether or not it exists.",
    )
    created_after = InputDateTimeField(required=False)
    created_before = InputDateTimeField(required=False)


def transfer_body(outgoing: OutgoingView) -> dict[str, Any]:
    """A wallet transfer as the API shows it (``TransferOutput``)."""
    return {
        "id": outgoing.id,
        "reference": outgoing.reference,
        "status": outgoing.status,
        "txid": outgoing.txid,
        "to": outgoing.recipient,
        "amount": money(outgoing.amount, Asset.TRX),
    }
