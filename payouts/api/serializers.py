"""Request and response shapes of the payouts API. Amounts are decimal strings with an
asset code at this edge, integer base units inside; network costs are TRX, to the SUN."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lucid_payments.core.fields import (
    InputCharField,
    InputChoiceField,
    InputIntegerField,
    StrictCharField,
)
from lucid_payments.core.metadata import MetadataField
from lucid_payments.core.money import Asset, MoneySerializer
from lucid_payments.core.paging import CreatedRange, NewestFirstPage
from lucid_payments.core.representation import represent
from lucid_payments.tron.api.serializers import TronAddressField
from payouts.limits import Allowance
from payouts.models import Payout, PayoutFunding, PayoutRoute, PayoutStatus
from usdt.api.serializers import FeesOutput, fees_body
from wallets.api.serializers import MoneyOutput, money
from wallets.models.fees import TransactionFee


class PayoutCreateInput(serializers.Serializer[Any]):
    customer_id = InputIntegerField(min_value=1, help_text="The customer the payout is for")
    destination = TronAddressField(help_text="TRON address: base58check T… or hex 41…")
    asset = InputChoiceField(choices=Asset.choices)
    amount = StrictCharField(
        trim_whitespace=False, help_text='Decimal string in the asset\'s units, e.g. "12.5"'
    )
    reference = InputCharField(
        max_length=128, help_text="Your own reference, unique among your payouts"
    )
    metadata = MetadataField()
    funding = InputChoiceField(
        choices=PayoutFunding.choices,
        required=False,
        default=PayoutFunding.CLIENT,
        help_text="Whose available balance pays: yours (client, the default) or the customer's",
    )

    def validate_reference(self, value: str) -> str:
        if not value.strip() or "\x00" in value:
            raise serializers.ValidationError("A non-empty reference without null characters.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        money_value = MoneySerializer().run_validation(
            {"amount": attrs.pop("amount"), "asset": attrs["asset"]}
        )
        attrs["amount_units"] = money_value.units
        return attrs


class PayoutOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="po_…")
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    route = serializers.ChoiceField(
        choices=PayoutRoute.choices,
        help_text="kyc when the customer had an approved, unexpired KYC when it was accepted",
    )
    customer_id = serializers.IntegerField()
    destination = serializers.CharField()
    asset = serializers.ChoiceField(choices=Asset.choices)
    amount = MoneyOutput()
    fee = MoneyOutput(help_text="Your payout fee, taken with the amount from the funding balance")
    reference = serializers.CharField()
    metadata = serializers.DictField()
    funding = serializers.ChoiceField(choices=PayoutFunding.choices)
    internal = serializers.BooleanField(
        help_text="The destination is an address in our custody: booked on the ledger, "
        "no transaction and no network cost"
    )
    approvals_required = serializers.IntegerField(help_text="Operators who must approve (0-2)")
    approvals = serializers.IntegerField(help_text="Operators who approved so far")
    network_cost_estimate = MoneyOutput(
        allow_null=True,
        help_text="What the transaction would burn without staked energy (TRX); null when "
        "the node could not tell",
    )
    txid = serializers.CharField(allow_blank=True)
    network_costs = FeesOutput(
        allow_null=True, help_text="What the transaction burned, to the SUN; null until recorded"
    )
    failure_code = serializers.CharField(allow_blank=True)
    failure_message = serializers.CharField(allow_blank=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    delayed = serializers.BooleanField(
        help_text="Queued because the hot wallet is short; it resumes once refilled"
    )
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)


def payout_body(
    payout: Payout, fee: TransactionFee | None = None, *, approvals: int | None = None
) -> dict[str, Any]:
    """``approvals``: how many the payout has, when the caller knows without a query (a new
    payout has none)."""
    asset = Asset(payout.asset)
    estimate = payout.network_cost_estimate_sun
    if approvals is None:
        # Prefetched by the list. A payout that needs none has none (approvals are only
        # recorded while one awaits them), so its events do not ask.
        approvals = len(payout.approvals.all()) if payout.approvals_required else 0
    return {
        "id": payout.public_id,
        "status": payout.status,
        "route": payout.route,
        "customer_id": payout.customer_id,
        "destination": payout.destination,
        "asset": asset.value,
        "amount": money(payout.amount, asset),
        "fee": money(payout.fee, asset),
        "reference": payout.reference,
        "metadata": payout.metadata,
        "funding": payout.funding,
        "internal": payout.internal,
        "approvals_required": payout.approvals_required,
        "approvals": approvals,
        "network_cost_estimate": None if estimate is None else money(estimate, Asset.TRX),
        "txid": payout.txid,
        "network_costs": fees_body(fee),
        "failure_code": payout.failure_code,
        "failure_message": payout.failure_message,
        "rejection_reason": payout.rejection_reason,
        "delayed": payout.delayed_since is not None,
        "created_at": payout.created_at,
        "confirmed_at": payout.confirmed_at,
        "cancelled_at": payout.cancelled_at,
    }


def payout_output(
    payout: Payout, fee: TransactionFee | None = None, *, approvals: int | None = None
) -> dict[str, Any]:
    return represent(PayoutOutput, payout_body(payout, fee, approvals=approvals))


class PayoutPageOutput(serializers.Serializer[Any]):
    payouts = PayoutOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older payouts follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class PayoutFilter(CreatedRange, NewestFirstPage):
    """Query parameters of the payout list. Leave one out for no filter."""

    status = InputChoiceField(choices=PayoutStatus.choices, required=False)
    asset = InputChoiceField(choices=Asset.choices, required=False)
    customer_id = InputIntegerField(min_value=1, required=False)
    reference = InputCharField(max_length=128, required=False)


class LimitsQuery(serializers.Serializer[Any]):
    customer_id = InputIntegerField(min_value=1, help_text="One of your customers")
    destination = TronAddressField(
        required=False, help_text="Also count what was sent to this address across your customers"
    )


class AllowanceOutput(serializers.Serializer[Any]):
    per_payout = MoneyOutput(help_text="The largest single payout on this route")
    daily = MoneyOutput(help_text="Per rolling 24 h, per customer and per destination")
    used = MoneyOutput(help_text="What the customer sent (or has on its way) in the last 24 h")
    destination_used = MoneyOutput(
        allow_null=True, help_text="Sent to the destination by any customer; null if not asked"
    )
    remaining = MoneyOutput(help_text="The largest payout this route accepts now")


class RouteAllowanceOutput(serializers.Serializer[Any]):
    available = serializers.BooleanField(
        help_text="Whether the customer may use this route now (kyc: an approved, unexpired "
        "KYC; both: the customer is not blocked)"
    )
    USDT = AllowanceOutput()
    TRX = AllowanceOutput()


class LimitsRoutesOutput(serializers.Serializer[Any]):
    v0 = RouteAllowanceOutput()
    kyc = RouteAllowanceOutput()


class LimitsOutput(serializers.Serializer[Any]):
    customer_id = serializers.IntegerField()
    route = serializers.ChoiceField(
        choices=PayoutRoute.choices, help_text="The route a payout for this customer takes now"
    )
    routes = LimitsRoutesOutput()


def allowance_body(allowance: Allowance) -> dict[str, Any]:
    asset = allowance.asset
    used = allowance.destination_used
    return {
        "per_payout": money(allowance.limits.per_payout, asset),
        "daily": money(allowance.limits.daily, asset),
        "used": money(allowance.customer_used, asset),
        "destination_used": None if used is None else money(used, asset),
        "remaining": money(allowance.remaining, asset),
    }
