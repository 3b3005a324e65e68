"""Payouts created in the range: who, to where, how much and what fee, where each one
stands, and what its transaction burned (from its fee row, by txid)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from lucid_payments.console.exports import Export, ExportRange
from lucid_payments.core.money import format_amount
from payouts.models import Payout
from wallets.models import TransactionFee


def _queryset(span: ExportRange) -> QuerySet[Any]:
    rows = Payout.objects.filter(created_at__gte=span.start, created_at__lt=span.end)
    if span.client_id is not None:
        rows = rows.filter(client_id=span.client_id)
    burned = TransactionFee.objects.filter(network=OuterRef("network"), txid=OuterRef("txid"))
    return (
        rows.select_related("client", "customer")
        .annotate(network_cost_sun=Subquery(burned.values("fee_sun")[:1]))
        .order_by("created_at", "id")
    )


def _when(value: Any) -> str:
    return value.isoformat() if value else ""


def _row(payout: Any) -> list[object]:
    cost = payout.network_cost_sun
    return [
        payout.public_id,
        payout.created_at.isoformat(),
        payout.client_id,
        payout.client.name,
        payout.customer.external_ref,
        payout.reference,
        payout.status,
        payout.route,
        payout.funding,
        payout.asset,
        format_amount(payout.amount, payout.asset),
        format_amount(payout.fee, payout.asset),
        payout.destination,
        payout.internal,
        payout.txid,
        _when(payout.sent_at),
        _when(payout.confirmed_at),
        "" if cost is None else format_amount(cost, "TRX"),
        payout.failure_code or payout.rejection_reason,
    ]


EXPORT = Export(
    name="payouts",
    title="Payouts",
    header=(
        "payout_id",
        "created_at",
        "client_id",
        "client",
        "customer_ref",
        "reference",
        "status",
        "route",
        "funding",
        "asset",
        "amount",
        "fee",
        "destination",
        "internal",
        "txid",
        "sent_at",
        "confirmed_at",
        "network_cost_trx",
        "failure_or_rejection",
    ),
    queryset=_queryset,
    row=_row,
)
