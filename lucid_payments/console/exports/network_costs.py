"""Network costs: every transaction we sent, costed to the SUN from its receipt."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lucid_payments.console.exports import Export, ExportRange
from lucid_payments.core.money import format_amount
from wallets.models import TransactionFee


def _queryset(span: ExportRange) -> QuerySet[Any]:
    rows = TransactionFee.objects.filter(block_time__gte=span.start, block_time__lt=span.end)
    if span.client_id is not None:
        rows = rows.filter(client_id=span.client_id)
    return rows.order_by("block_time", "id")


def _row(fee: TransactionFee) -> list[object]:
    return [
        fee.block_time.isoformat(),
        fee.txid,
        fee.reference,
        fee.client_id or "",
        fee.contract_type,
        fee.succeeded,
        fee.energy_total,
        fee.energy_delegated,
        fee.energy_own_stake,
        fee.energy_burned,
        fee.bandwidth_used,
        format_amount(fee.energy_burned_sun, "TRX"),
        format_amount(fee.bandwidth_burned_sun, "TRX"),
        format_amount(fee.activation_sun, "TRX"),
        format_amount(fee.fee_sun, "TRX"),
        format_amount(fee.saved_sun, "TRX"),
    ]


EXPORT = Export(
    name="network-costs",
    title="Network costs (TRX, per transaction we sent)",
    header=(
        "block_time",
        "txid",
        "reference",
        "client_id",
        "contract_type",
        "succeeded",
        "energy_total",
        "energy_delegated",
        "energy_own_stake",
        "energy_burned",
        "bandwidth_used",
        "energy_burned_trx",
        "bandwidth_burned_trx",
        "activation_trx",
        "fee_trx",
        "saved_by_staking_trx",
    ),
    queryset=_queryset,
    row=_row,
)
