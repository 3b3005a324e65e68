"""Request and response shapes of the usdt-manager API. Amounts are decimal strings with
an asset code; fees are TRX, to the SUN."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import (
    InputCharField,
    InputChoiceField,
    InputDateTimeField,
    InputIntegerField,
)
from lucid_payments.core.money import Asset, MoneySerializer
from lucid_payments.tron.api.serializers import tron_address
from usdt.models import UsdtTransfer, UsdtTransferStatus
from wallets.api.serializers import MoneyOutput, money
from wallets.models.fees import TransactionFee


class UsdtContractOutput(serializers.Serializer[Any]):
    network = serializers.CharField()
    address = serializers.CharField()
    symbol = serializers.CharField()
    decimals = serializers.IntegerField()
    total_supply = MoneyOutput()


class UsdtBalanceOutput(serializers.Serializer[Any]):
    address = serializers.CharField()
    balance = MoneyOutput()


class UsdtTransferInput(serializers.Serializer[Any]):
    wallet_id = InputIntegerField(min_value=1, help_text="One of your hot wallets")
    to = InputCharField(max_length=64, help_text="base58check T… or hex 41…")
    amount = MoneySerializer(assets=(Asset.USDT,))

    def validate_to(self, value: str) -> str:
        return tron_address(value)


class FeesOutput(serializers.Serializer[Any]):
    energy_total = serializers.IntegerField()
    energy_delegated = serializers.IntegerField(
        help_text="Energy our energy wallet delegated to the sender for this transaction"
    )
    energy_own_stake = serializers.IntegerField()
    energy_burned = serializers.IntegerField()
    trx_burned_for_energy = MoneyOutput()
    bandwidth_used = serializers.IntegerField()
    trx_burned_for_bandwidth = MoneyOutput()
    activation = MoneyOutput()
    total = MoneyOutput(help_text="Everything this transaction burned")
    trx_saved = MoneyOutput(help_text="What burning the staked/delegated energy would have cost")


class UsdtTransferOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=UsdtTransferStatus.choices)
    wallet_id = serializers.IntegerField()
    from_address = serializers.CharField()
    to = serializers.CharField()
    amount = MoneyOutput()
    txid = serializers.CharField(allow_blank=True)
    energy_mode = serializers.CharField(
        help_text="delegated (our energy wallet pays), own (the sender's stake) or burn"
    )
    energy_estimate = serializers.IntegerField()
    fee_limit = MoneyOutput(help_text="The estimate at the chain's energy price plus a margin")
    fees = FeesOutput(allow_null=True, help_text="Null until the transaction is final")
    failure_code = serializers.CharField(allow_blank=True)
    failure_message = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


def fees_body(fee: TransactionFee | None) -> dict[str, Any] | None:
    if fee is None:
        return None
    return {
        "energy_total": fee.energy_total,
        "energy_delegated": fee.energy_delegated,
        "energy_own_stake": fee.energy_own_stake,
        "energy_burned": fee.energy_burned,
        "trx_burned_for_energy": money(fee.energy_burned_sun, Asset.TRX),
        "bandwidth_used": fee.bandwidth_used,
        "trx_burned_for_bandwidth": money(fee.bandwidth_burned_sun, Asset.TRX),
        "activation": money(fee.activation_sun, Asset.TRX),
        "total": money(fee.fee_sun, Asset.TRX),
        "trx_saved": money(fee.saved_sun, Asset.TRX),
    }


def usdt_transfer_body(transfer: UsdtTransfer, fee: TransactionFee | None = None) -> dict[str, Any]:
    return {
        "id": transfer.pk,
        "status": transfer.status,
        "wallet_id": transfer.wallet_id,
        "from_address": transfer.sender,
        "to": transfer.recipient,
        "amount": money(transfer.amount, Asset.USDT),
        "txid": transfer.txid,
        "energy_mode": transfer.energy_mode,
        "energy_estimate": transfer.energy_estimate,
        "fee_limit": money(transfer.fee_limit_sun, Asset.TRX),
        "fees": fees_body(fee),
        "failure_code": transfer.failure_code,
        "failure_message": transfer.failure_message,
        "created_at": transfer.created_at,
    }


class UsdtTransferFilter(serializers.Serializer[Any]):
    status = InputChoiceField(choices=UsdtTransferStatus.choices, required=False)
    wallet_id = InputIntegerField(min_value=1, required=False)
    created_after = InputDateTimeField(required=False)
    created_before = InputDateTimeField(required=False)


class UsdtApprovalInput(serializers.Serializer[Any]):
    wallet_id = InputIntegerField(min_value=1, help_text="One of your hot wallets (the owner)")
    spender = InputCharField(max_length=64)
    amount = MoneySerializer(assets=(Asset.USDT,), allow_zero=True, help_text="0 revokes")

    def validate_spender(self, value: str) -> str:
        return tron_address(value)


class UsdtApprovalOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="The approval transaction's status")
    wallet_id = serializers.IntegerField()
    owner = serializers.CharField()
    spender = serializers.CharField()
    amount = MoneyOutput()
    txid = serializers.CharField(allow_blank=True)
    fee_limit = MoneyOutput()


class AllowanceOutput(serializers.Serializer[Any]):
    owner = serializers.CharField()
    spender = serializers.CharField()
    allowance = MoneyOutput()


class UsdtTransactionOutput(serializers.Serializer[Any]):
    txid = serializers.CharField()
    block_number = serializers.IntegerField()
    contract = serializers.CharField(help_text="The TRC20 contract called")
    from_address = serializers.CharField(help_text="The caller (the transaction's owner)")
    to = serializers.CharField(allow_blank=True, help_text="Blank when no Transfer was logged")
    amount = MoneyOutput(allow_null=True, help_text="Null unless the token is our USDT")
    raw_amount = serializers.CharField(help_text="Base units, as logged")
    result = serializers.CharField(help_text='"SUCCESS", "REVERT", "OUT_OF_ENERGY", …')
    energy_total = serializers.IntegerField()
    energy_from_stake = serializers.IntegerField()
    trx_burned_for_energy = MoneyOutput()
    bandwidth_used = serializers.IntegerField()
    fee = MoneyOutput()


class StatsFilter(serializers.Serializer[Any]):
    days = InputIntegerField(
        min_value=1, max_value=366, required=False, default=30, help_text="Days back from today"
    )


class StatsFiguresOutput(serializers.Serializer[Any]):
    transfers = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    failed = serializers.IntegerField()
    volume = MoneyOutput(help_text="USDT of confirmed transfers")
    energy_total = serializers.IntegerField()
    energy_delegated = serializers.IntegerField()
    energy_burned = serializers.IntegerField()
    trx_burned = MoneyOutput(help_text="What the transfers themselves burned")
    trx_policy_cost = MoneyOutput(
        help_text="What delegating and reclaiming their energy burned (and activations)"
    )
    trx_if_burning_everything = MoneyOutput(
        help_text="All of their energy burned at the chain's price, plus their bandwidth"
    )
    trx_saved = MoneyOutput(help_text="trx_if_burning_everything - trx_burned - trx_policy_cost")


class StatsDayOutput(StatsFiguresOutput):
    day = serializers.DateField(help_text="UTC day the transfers were accepted")


class StatsOutput(serializers.Serializer[Any]):
    days = StatsDayOutput(many=True, help_text="Only days with transfers, oldest first")
    totals = StatsFiguresOutput()
