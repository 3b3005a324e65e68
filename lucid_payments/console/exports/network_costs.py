"""Network costs: every transaction we sent, costed to the SUN from its receipt.

Payouts' and sweeps' transactions are among them (one fee row per txid). A sweep's
transactions (its own, and the activation, delegation, reclaim or top-up it needed) are
the platform's housekeeping and carry no client on their fee rows: the sweep that
needed them names the client, so a client's export includes them and each such row
names its sweep."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from gateway.sweeps.models import TXID_FIELDS, Sweep
from lucid_payments.console.exports import Export, ExportRange
from lucid_payments.core.money import format_amount
from wallets.custody import INTERNAL_PREFIX
from wallets.models import TransactionFee


def _sweeps_of(fee_txid: OuterRef) -> QuerySet[Sweep]:
    sent = Q()
    for field in TXID_FIELDS:
        sent |= Q(**{field: fee_txid})
    return Sweep.objects.filter(sent, network=OuterRef("network"))


def _queryset(span: ExportRange) -> QuerySet[Any]:
    rows = TransactionFee.objects.filter(
        block_time__gte=span.start, block_time__lt=span.end
    ).annotate(sweep_id=Subquery(_sweeps_of(OuterRef("txid")).values("public_id")[:1]))
    if span.client_id is not None:
        of_client = _sweeps_of(OuterRef("txid")).filter(client_id=span.client_id)
        rows = rows.filter(Q(client_id=span.client_id) | Exists(of_client))
    return rows.order_by("block_time", "id")


def purpose(reference: str) -> str:
    """``internal:sweep:swp_…`` → ``sweep``; ``payout:po_…`` → ``payout``."""
    return reference.removeprefix(INTERNAL_PREFIX).split(":", 1)[0]


def _row(fee: Any) -> list[object]:
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
        purpose(fee.reference),
        fee.sweep_id or "",
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
        "purpose",
        "sweep_id",
    ),
    queryset=_queryset,
    row=_row,
)
