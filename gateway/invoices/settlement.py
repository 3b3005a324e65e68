"""Net settlement: per client and day, what paid invoices brought in, what was refunded,
what collecting them cost (TRX, filled by the sweeps of their addresses) and the net.

Costs are TRX whatever the invoice's asset, and no exchange rate is assumed: the net of
a TRX day is one amount, that of a USDT day its USDT less its TRX costs, shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from gateway.invoices.models import Invoice, InvoiceStatus, Refund, RefundStatus
from lucid_payments.core.money import Asset, format_amount


@dataclass(frozen=True)
class DailySettlement:
    day: date
    client: str
    asset: str
    invoices: int
    received: int  # units of the asset
    refunded: int  # units of the asset, refunds not failed
    costs_sun: int

    @property
    def net(self) -> str:
        return net_display(self.asset, self.received - self.refunded, self.costs_sun)


def net_display(asset: str, kept_units: int, costs_sun: int) -> str:
    """What is left of what was received, less the TRX it cost (see the module)."""
    if asset == Asset.TRX:
        return f"{format_amount(kept_units - costs_sun, Asset.TRX)} TRX"
    return f"{format_amount(kept_units, asset)} {asset} - {format_amount(costs_sun, Asset.TRX)} TRX"


def daily_settlement(*, limit: int = 500) -> list[DailySettlement]:
    """Newest day first, then client name and asset."""
    paid = Invoice.objects.filter(status=InvoiceStatus.PAID, paid_at__isnull=False)
    rows = (
        paid.annotate(day=TruncDate("paid_at"))
        .values("day", "client__name", "asset")
        .annotate(
            invoices=Count("id"),
            received=Sum("paid_amount"),
            costs=Sum("cost_activation_sun")
            + Sum("cost_energy_sun")
            + Sum("cost_bandwidth_sun")
            + Sum("cost_sweep_sun"),
        )
        .order_by("-day", "client__name", "asset")[:limit]
    )
    refunded = {
        (row["day"], row["invoice__client__name"], row["asset"]): int(row["total"] or 0)
        for row in Refund.objects.filter(invoice__in=paid)
        .exclude(status=RefundStatus.FAILED)
        .annotate(day=TruncDate("invoice__paid_at"))
        .values("day", "invoice__client__name", "asset")
        .annotate(total=Sum("amount"))
    }
    return [
        DailySettlement(
            day=row["day"],
            client=row["client__name"],
            asset=row["asset"],
            invoices=row["invoices"],
            received=int(row["received"] or 0),
            refunded=refunded.get((row["day"], row["client__name"], row["asset"]), 0),
            costs_sun=int(row["costs"] or 0),
        )
        for row in rows
    ]
