"""Input and output shapes of the tron-client API, and the TRON address field every
service's request bodies use. Amounts are integers of base units (SUN for TRX); addresses
are base58 ``T…``; times are milliseconds of chain time."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import InputCharField, StrictCharField, StrictRegexField
from lucid_payments.tron import addresses

Serializer = serializers.Serializer[Any]


def tron_address(value: str) -> str:
    """``value`` as stored (base58check), or a 400 under the field being validated: a
    client sees the problem under the field it filled, not a service's generic one."""
    if not addresses.is_valid(value):
        raise serializers.ValidationError(
            "Not a valid TRON address: expected base58check T… (34 chars) or hex 41… (42 chars).",
            code="invalid_address",
        )
    return addresses.normalize_address(value)


class TronAddressField(InputCharField):
    """A TRON address, base58check ``T…`` or hex ``41…``; validated as base58check."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        return tron_address(super().to_internal_value(data))


class BlockRefOutput(Serializer):
    number = serializers.IntegerField()
    block_id = serializers.CharField()


class ScannerOutput(Serializer):
    cursor_block = serializers.IntegerField(allow_null=True, help_text="Last block scanned.")
    lag_blocks = serializers.IntegerField(allow_null=True, help_text="Head minus cursor.")
    updated_at = serializers.DateTimeField(allow_null=True)


class NetworkStatusOutput(Serializer):
    network = serializers.CharField(help_text="devnet | nile | shasta | mainnet")
    node_version = serializers.CharField()
    head_block = BlockRefOutput()
    solid_block = BlockRefOutput()
    solid_lag_blocks = serializers.IntegerField(help_text="Head minus solidified head.")
    scanner = ScannerOutput()
    chain_parameters = serializers.DictField(child=serializers.IntegerField())


class BlockTransactionOutput(Serializer):
    txid = serializers.CharField()
    contract_type = serializers.CharField()
    succeeded = serializers.BooleanField()
    owner_address = serializers.CharField()
    to_address = serializers.CharField(help_text="TRX transfers only; empty otherwise.")
    amount = serializers.IntegerField(help_text="SUN, TRX transfers only.")
    contract_address = serializers.CharField(help_text="Smart-contract calls only.")


class BlockOutput(Serializer):
    number = serializers.IntegerField()
    block_id = serializers.CharField()
    parent_id = serializers.CharField()
    timestamp_ms = serializers.IntegerField()
    solidified = serializers.BooleanField()
    transactions = BlockTransactionOutput(many=True)


class FrozenOutput(Serializer):
    BANDWIDTH = serializers.IntegerField()
    ENERGY = serializers.IntegerField()
    TRON_POWER = serializers.IntegerField()


class UnfreezingOutput(Serializer):
    resource = serializers.CharField()
    amount_sun = serializers.IntegerField()
    expire_time_ms = serializers.IntegerField()


class ResourcesOutput(Serializer):
    free_net_limit = serializers.IntegerField()
    free_net_used = serializers.IntegerField()
    net_limit = serializers.IntegerField()
    net_used = serializers.IntegerField()
    energy_limit = serializers.IntegerField()
    energy_used = serializers.IntegerField()
    tron_power_limit = serializers.IntegerField()


class AccountOutput(Serializer):
    address = serializers.CharField()
    exists = serializers.BooleanField(help_text="False until the account receives TRX.")
    balance_sun = serializers.IntegerField()
    create_time_ms = serializers.IntegerField(allow_null=True)
    frozen_sun = FrozenOutput(help_text="Stake 2.0 frozen balance per resource.")
    unfreezing = UnfreezingOutput(many=True)
    resources = ResourcesOutput()


class OurOutgoingOutput(Serializer):
    status = serializers.CharField(help_text="pending|signed|broadcast|confirmed|final|failed")
    copy_status = serializers.CharField(help_text="Status of this signed copy.")
    origin = serializers.CharField(help_text="platform | relay")
    failure_code = serializers.CharField()


class OurTransferOutput(Serializer):
    index = serializers.IntegerField()
    asset = serializers.CharField()
    status = serializers.CharField(help_text="seen | final | dropped")
    amount = serializers.IntegerField(help_text="Base units of the asset.")
    to_address = serializers.CharField()


class PlatformStatusOutput(Serializer):
    outgoing = OurOutgoingOutput(allow_null=True)
    transfers = OurTransferOutput(many=True)


class TransactionOutput(Serializer):
    txid = serializers.CharField()
    found_on_chain = serializers.BooleanField()
    contract_type = serializers.CharField()
    contract_result = serializers.CharField()
    block_number = serializers.IntegerField(allow_null=True)
    block_timestamp_ms = serializers.IntegerField(allow_null=True)
    solidified = serializers.BooleanField()
    fee_sun = serializers.IntegerField(allow_null=True)
    receipt_result = serializers.CharField()
    raw_data = serializers.JSONField(allow_null=True)
    platform = PlatformStatusOutput(
        allow_null=True, help_text="Our status, if we sent, relayed or saw this transaction."
    )


class BroadcastInput(Serializer):
    txID = StrictRegexField(r"^[0-9a-fA-F]{64}$", required=False)  # the node's own field name
    raw_data = serializers.JSONField(help_text="The node's JSON form, hex 41… addresses.")
    raw_data_hex = StrictRegexField(r"^([0-9a-fA-F]{2})+$", max_length=1_000_000)
    signature = serializers.ListField(
        child=StrictRegexField(r"^[0-9a-fA-F]{130}$"), min_length=1, max_length=1
    )

    def validate_raw_data(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object.")
        return value


class BroadcastOutput(Serializer):
    txid = serializers.CharField()
    status = serializers.CharField(
        help_text=(
            "Our tracking status (see GET /transactions/{txid}), or `untracked`: the same "
            "signed transaction was already submitted through the platform by someone else; "
            "it was sent to the node again and its chain facts are at GET /transactions/{txid}."
        )
    )
    accepted = serializers.BooleanField(help_text="The node took it (or already had it).")
    node_code = serializers.CharField(help_text="The node's code when it refused, else empty.")
    node_message = serializers.CharField()


class AddressValidateInput(Serializer):
    address = StrictCharField(max_length=128, trim_whitespace=True)


class AddressValidateOutput(Serializer):
    valid = serializers.BooleanField()
    base58 = serializers.CharField(allow_null=True)
    hex = serializers.CharField(allow_null=True)
