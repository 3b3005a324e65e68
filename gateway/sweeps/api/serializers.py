"""Response shapes of the sweeps API (and of the sweep events' ``data``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from gateway.sweeps.models import Sweep, SweepKind, SweepStatus
from lucid_payments.core.fields import InputChoiceField
from lucid_payments.core.money import Asset
from lucid_payments.core.paging import CreatedRange, NewestFirstPage
from lucid_payments.core.representation import represent
from wallets.api.serializers import MoneyOutput, money


class SweepCostsOutput(serializers.Serializer[Any]):
    activation = MoneyOutput(help_text="Account-creation fees of activating the address")
    energy = MoneyOutput(
        help_text="TRX burned for energy, and the fees of the energy delegation and reclaim"
    )
    bandwidth = MoneyOutput(help_text="Bandwidth burned by the activation and TRX top-up")
    sweep = MoneyOutput(help_text="Bandwidth burned by the sweep's own transaction")
    total = MoneyOutput()


class SweepTxidsOutput(serializers.Serializer[Any]):
    activation = serializers.CharField(allow_blank=True)
    topup = serializers.CharField(allow_blank=True, help_text="TRX from your fee wallet")
    delegation = serializers.CharField(allow_blank=True, help_text="Energy delegated to it")
    reclaim = serializers.CharField(allow_blank=True, help_text="That energy taken back")
    sweep = serializers.CharField(allow_blank=True)


class SweepOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="swp_…")
    kind = serializers.ChoiceField(choices=SweepKind.choices)
    status = serializers.ChoiceField(choices=SweepStatus.choices)
    amount = MoneyOutput()
    source_address = serializers.CharField()
    destination_address = serializers.CharField(
        help_text="Your hot wallet (deposit sweeps) or your cold wallet (excess sweeps)"
    )
    invoice_id = serializers.CharField(
        allow_null=True, help_text="The invoice whose address was swept, if any"
    )
    energy_mode = serializers.CharField(
        allow_blank=True, help_text="USDT: delegated, own or burn; empty for TRX"
    )
    txids = SweepTxidsOutput()
    costs = SweepCostsOutput(help_text="TRX, to the SUN; zero until completed")
    failure_code = serializers.CharField(allow_blank=True)
    failure_message = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


def sweep_output(sweep: Sweep) -> dict[str, Any]:
    costs = {
        "activation": sweep.cost_activation_sun,
        "energy": sweep.cost_energy_sun,
        "bandwidth": sweep.cost_bandwidth_sun,
        "sweep": sweep.cost_sweep_sun,
        "total": sweep.cost_total_sun,
    }
    body = {
        "id": sweep.public_id,
        "kind": sweep.kind,
        "status": sweep.status,
        "amount": money(sweep.amount, sweep.asset),
        "source_address": sweep.source_address,
        "destination_address": sweep.destination_address,
        "invoice_id": sweep.invoice.public_id if sweep.invoice is not None else None,
        "energy_mode": sweep.energy_mode,
        "txids": {
            "activation": sweep.activation_txid,
            "topup": sweep.topup_txid,
            "delegation": sweep.delegation_txid,
            "reclaim": sweep.reclaim_txid,
            "sweep": sweep.txid,
        },
        "costs": {name: money(sun, Asset.TRX) for name, sun in costs.items()},
        "failure_code": sweep.failure_code,
        "failure_message": sweep.failure_message,
        "created_at": sweep.created_at,
        "completed_at": sweep.completed_at,
    }
    return represent(SweepOutput, body)


class SweepPageOutput(serializers.Serializer[Any]):
    sweeps = SweepOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older sweeps follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class SweepFilter(CreatedRange, NewestFirstPage):
    """Query parameters of the sweep list; leave one out for no filter."""

    status = InputChoiceField(required=False, choices=SweepStatus.choices)
    kind = InputChoiceField(required=False, choices=SweepKind.choices)
    asset = InputChoiceField(required=False, choices=Asset.choices)
