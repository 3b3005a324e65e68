"""Request and response shapes of the trx-staking API. Amounts are TRX decimal strings
with their asset code; addresses base58."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import InputCharField, InputChoiceField, InputIntegerField
from lucid_payments.core.money import Asset, MoneySerializer
from lucid_payments.tron.api.serializers import tron_address
from staking.models import (
    Delegation,
    DelegationStatus,
    OperationKind,
    OperationStatus,
    Resource,
    StakingOperation,
)
from wallets.api.serializers import MoneyOutput, money

MAX_VOTES = 30  # java-tron's maximum witnesses per vote transaction


class WalletInput(serializers.Serializer[Any]):
    wallet_id = InputIntegerField(min_value=1, help_text="One of your hot wallets.")


class FreezeInput(WalletInput):
    amount = MoneySerializer(assets=(Asset.TRX,), help_text="TRX to stake (at least 1).")
    resource = InputChoiceField(choices=Resource.choices, help_text="What the stake yields.")


class UnfreezeInput(FreezeInput):
    pass


class DelegateInput(WalletInput):
    receiver = InputCharField(max_length=64, help_text="An activated TRON address.")
    amount = MoneySerializer(assets=(Asset.TRX,), help_text="Stake (TRX) backing the resource.")
    resource = InputChoiceField(choices=Resource.choices)
    lock_period = InputIntegerField(
        required=False,
        min_value=1,
        max_value=864_000,
        help_text="Blocks (3 s each) before it can be undelegated; leave out for no lock.",
    )

    def validate_receiver(self, value: str) -> str:
        return tron_address(value)


class VoteItemInput(serializers.Serializer[Any]):
    witness = InputCharField(max_length=64, help_text="A witness (super representative).")
    count = InputIntegerField(min_value=1, max_value=10**12, help_text="Votes: whole TRX.")

    def validate_witness(self, value: str) -> str:
        return tron_address(value)


class VoteInput(WalletInput):
    votes = serializers.ListField(
        child=VoteItemInput(),
        min_length=1,
        max_length=MAX_VOTES,
        help_text="Replaces the wallet's votes; the total may not exceed its tron power.",
    )


class VoteOutput(serializers.Serializer[Any]):
    witness = serializers.CharField()
    count = serializers.IntegerField()


class OperationOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=OperationKind.choices)
    status = serializers.ChoiceField(
        choices=OperationStatus.choices,
        help_text="pending: accepted, not final yet; confirmed: final and booked; failed: "
        "refused or failed on chain (failure_code, failure_message say why).",
    )
    wallet_id = serializers.IntegerField()
    resource = serializers.CharField(allow_blank=True)
    amount = MoneyOutput(help_text="Frozen, unfrozen or delegated; 0 for the other kinds.")
    receiver = serializers.CharField(allow_blank=True)
    lock_period = serializers.IntegerField(allow_null=True)
    votes = VoteOutput(many=True)
    delegation_id = serializers.IntegerField(allow_null=True)
    txid = serializers.CharField(allow_blank=True)
    fee = MoneyOutput(allow_null=True, help_text="TRX the transaction burned, once final.")
    withdrawn = MoneyOutput(help_text="Unfrozen TRX paid back to the spendable balance.")
    reward = MoneyOutput(help_text="Voting reward claimed (credited to you).")
    failure_code = serializers.CharField(allow_blank=True)
    failure_message = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


def operation_body(operation: StakingOperation) -> dict[str, Any]:
    return {
        "id": operation.pk,
        "kind": operation.kind,
        "status": operation.status,
        "wallet_id": operation.wallet_id,
        "resource": operation.resource,
        "amount": money(operation.amount, Asset.TRX),
        "receiver": operation.receiver,
        "lock_period": operation.lock_period,
        "votes": operation.votes,
        "delegation_id": operation.delegation_id,
        "txid": operation.txid,
        "fee": None if operation.fee is None else money(operation.fee, Asset.TRX),
        "withdrawn": money(operation.withdrawn_unstaked, Asset.TRX),
        "reward": money(operation.withdrawn_reward, Asset.TRX),
        "failure_code": operation.failure_code,
        "failure_message": operation.failure_message,
        "created_at": operation.created_at,
        "finished_at": operation.finished_at,
    }


class OperationFilter(serializers.Serializer[Any]):
    wallet_id = InputIntegerField(required=False, min_value=1)
    kind = InputChoiceField(choices=OperationKind.choices, required=False)
    status = InputChoiceField(choices=OperationStatus.choices, required=False)


class DelegationOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    wallet_id = serializers.IntegerField()
    receiver = serializers.CharField()
    resource = serializers.ChoiceField(choices=Resource.choices)
    amount = MoneyOutput()
    lock_period = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=DelegationStatus.choices)
    created_at = serializers.DateTimeField()


def delegation_body(delegation: Delegation) -> dict[str, Any]:
    return {
        "id": delegation.pk,
        "wallet_id": delegation.wallet_id,
        "receiver": delegation.receiver,
        "resource": delegation.resource,
        "amount": money(delegation.amount, Asset.TRX),
        "lock_period": delegation.lock_period,
        "status": delegation.status,
        "created_at": delegation.created_at,
    }


class PerResourceOutput(serializers.Serializer[Any]):
    energy = MoneyOutput()
    bandwidth = MoneyOutput()


class ResourceUseOutput(serializers.Serializer[Any]):
    available = serializers.IntegerField(help_text="Points left to use now.")
    limit = serializers.IntegerField(help_text="Points per day from stake (own and delegated in).")


class BandwidthUseOutput(ResourceUseOutput):
    free_available = serializers.IntegerField()
    free_limit = serializers.IntegerField(help_text="The daily free allowance.")


class PendingUnfreezeOutput(serializers.Serializer[Any]):
    resource = serializers.ChoiceField(choices=Resource.choices)
    amount = MoneyOutput()
    expires_at = serializers.DateTimeField(help_text="When it can be withdrawn.")
    withdrawable = serializers.BooleanField(help_text="The wait is over (chain time).")


class ResourcesOutput(serializers.Serializer[Any]):
    wallet_id = serializers.IntegerField()
    address = serializers.CharField()
    staked = PerResourceOutput(help_text="Frozen and not delegated.")
    delegated_out = PerResourceOutput()
    delegated_in = PerResourceOutput(help_text="Others' stake backing this wallet's resources.")
    energy = ResourceUseOutput()
    bandwidth = BandwidthUseOutput()
    pending_unfreezes = PendingUnfreezeOutput(many=True)
    tron_power = serializers.IntegerField(help_text="Votes the stake backs (whole TRX).")
    votes = VoteOutput(many=True)
    unclaimed_reward = MoneyOutput()
    ledger_staked = MoneyOutput(
        help_text="Your staked TRX on the ledger (all your wallets): frozen, delegated out "
        "and unfreezing until withdrawn."
    )
