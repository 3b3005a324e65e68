"""The last 30 days, per day: invoices paid (count, volume per asset), deposits, our
transactions sent, network costs, TRX burned against TRX saved by staking. Each chart is
one ``DailySeries``; other apps add theirs (payouts sent) with ``daily_series_register``."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone

from lucid_payments.console.charts import bar_chart
from lucid_payments.core.admin_display import amount_text

DAYS = 30
PerDay = dict[date, tuple[int, ...]]


@dataclass(frozen=True)
class DailySeries:
    key: str
    title: str
    legend: tuple[str, ...]
    asset: str | None  # None: the values are counts
    values: Callable[[datetime], PerDay]  # (start) -> values per day since start
    order: int = 100
    permission: str | None = None


_SERIES: dict[str, DailySeries] = {}
# Figures computed once per render and shared by several series (one GROUP BY asset
# instead of one scan of the ledger per asset); fresh for every render.
_RENDER_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("daily_render_memo", default=None)


def per_render(key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, once per dashboard render for ``key``; uncached outside a render."""
    memo = _RENDER_MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def daily_series_register(series: DailySeries) -> None:
    _SERIES[series.key] = series


def per_day(rows: QuerySet[Any], *fields: str) -> PerDay:
    """``rows`` of ``values("day").annotate(<fields>)`` → {day: (field values…)}."""
    return {row["day"]: tuple(int(row[f] or 0) for f in fields) for row in rows}


def per_asset_day(rows: QuerySet[Any], *fields: str) -> dict[str, PerDay]:
    """``rows`` of ``values("asset", "day").annotate(<fields>)`` → {asset: {day: (…)}}."""
    found: dict[str, PerDay] = {}
    for row in rows:
        found.setdefault(row["asset"], {})[row["day"]] = tuple(int(row[f] or 0) for f in fields)
    return found


def every_asset(by_asset: dict[str, PerDay], field: int) -> PerDay:
    """One field of ``per_asset_day``'s values, summed over the assets."""
    total: dict[date, int] = {}
    for found in by_asset.values():
        for day, values in found.items():
            total[day] = total.get(day, 0) + values[field]
    return {day: (value,) for day, value in total.items()}


def count_and_volume(
    key: str, rows: QuerySet[Any], *, day_of: str, amount: str
) -> dict[str, PerDay]:
    """(how many, how much) of ``rows`` per asset and ``day_of`` day, asked once per render
    for ``key``: a count chart and a volume chart per asset share one query."""

    def compute() -> dict[str, PerDay]:
        found = (
            rows.annotate(day=TruncDate(day_of))
            .values("asset", "day")
            .annotate(n=Count("id"), total=Sum(amount))
        )
        return per_asset_day(found, "n", "total")

    by_asset: dict[str, PerDay] = per_render(key, compute)
    return by_asset


def one_asset(by_asset: dict[str, PerDay], asset: str, field: int) -> PerDay:
    return {day: (values[field],) for day, values in by_asset.get(asset, {}).items()}


def _label(asset: str | None) -> Callable[[int], str]:
    return (lambda v: f"{v:,}") if asset is None else (lambda v: amount_text(v, asset))


def context(request: HttpRequest) -> dict[str, Any]:
    today = timezone.now().date()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=timezone.get_current_timezone())
    token = _RENDER_MEMO.set({})
    try:
        charts = _charts(request, days, start)
    finally:
        _RENDER_MEMO.reset(token)
    return {"charts": charts, "since": days[0]}


def _charts(request: HttpRequest, days: list[date], start: datetime) -> list[dict[str, Any]]:
    charts = []
    for series in sorted(_SERIES.values(), key=lambda s: (s.order, s.key)):
        if series.permission is not None and not request.user.has_perm(series.permission):
            continue
        found = series.values(start)
        width = len(series.legend)
        columns = [[found.get(day, (0,) * width)[i] for day in days] for i in range(width)]
        label = _label(series.asset)
        charts.append(
            {
                "key": series.key,
                "title": series.title,
                "svg": bar_chart(
                    days, columns, legend=series.legend, label=label, title=series.title
                ),
                "totals": [
                    (name, label(sum(col)))
                    for name, col in zip(series.legend, columns, strict=True)
                ],
            }
        )
    return charts


def _paid_invoices(start: datetime) -> dict[str, PerDay]:
    from gateway.invoices.models import Invoice, InvoiceStatus

    paid = Invoice.objects.filter(status=InvoiceStatus.PAID, paid_at__gte=start)
    return count_and_volume("invoices_paid", paid, day_of="paid_at", amount="paid_amount")


def _invoices_paid(start: datetime) -> PerDay:
    return every_asset(_paid_invoices(start), 0)


def _invoice_volume(asset: str) -> Callable[[datetime], PerDay]:
    return lambda start: one_asset(_paid_invoices(start), asset, 1)


def _deposits(asset: str) -> Callable[[datetime], PerDay]:
    def values(start: datetime) -> PerDay:
        from wallets.models import DailyDeposits

        # The ledger's roll-up (a row per UTC day and asset, kept with each deposit's
        # booking; the console's days are UTC too): the chart costs the same at a thousand
        # deposits a day as at ten. Both assets in one query.
        def compute() -> dict[str, PerDay]:
            rows = DailyDeposits.objects.filter(day__gte=start.date()).values(
                "asset", "day", "amount"
            )
            return per_asset_day(rows, "amount")

        return one_asset(per_render(("deposits", start), compute), asset, 0)

    return values


def _fees(start: datetime) -> PerDay:
    """(transactions, TRX burned, TRX saved by staking) per day: one pass for three charts."""
    from wallets.models import TransactionFee

    def compute() -> PerDay:
        saved = (F("energy_delegated") + F("energy_own_stake")) * F("energy_price_sun")
        rows = (
            TransactionFee.objects.filter(block_time__gte=start)
            .annotate(day=TruncDate("block_time"))
            .values("day")
            .annotate(n=Count("id"), burned=Sum("fee_sun"), saved=Sum(saved))
        )
        return per_day(rows, "n", "burned", "saved")

    found: PerDay = per_render(("fees", start), compute)
    return found


def _sent(start: datetime) -> PerDay:
    return {day: values[:1] for day, values in _fees(start).items()}


def _network_costs(start: datetime) -> PerDay:
    return {day: values[1:2] for day, values in _fees(start).items()}


def _burned_vs_saved(start: datetime) -> PerDay:
    return {day: values[1:] for day, values in _fees(start).items()}


def register_builtin_series() -> None:
    invoices = "invoices.view_invoice"
    ledger = "wallets.view_journalentry"
    fees = "wallets.view_transactionfee"
    for series in (
        DailySeries(
            "invoices_paid", "Invoices paid", ("paid",), None, _invoices_paid, 10, invoices
        ),
        DailySeries(
            "invoices_trx",
            "Invoice volume, TRX",
            ("TRX",),
            "TRX",
            _invoice_volume("TRX"),
            11,
            invoices,
        ),
        DailySeries(
            "invoices_usdt",
            "Invoice volume, USDT",
            ("USDT",),
            "USDT",
            _invoice_volume("USDT"),
            12,
            invoices,
        ),
        DailySeries("deposits_trx", "Deposits, TRX", ("TRX",), "TRX", _deposits("TRX"), 20, ledger),
        DailySeries(
            "deposits_usdt", "Deposits, USDT", ("USDT",), "USDT", _deposits("USDT"), 21, ledger
        ),
        DailySeries("sent", "Transactions we sent", ("sent",), None, _sent, 30, fees),
        DailySeries("network_costs", "Network costs", ("burned",), "TRX", _network_costs, 40, fees),
        DailySeries(
            "burned_saved",
            "TRX burned vs saved by staking",
            ("burned", "saved"),
            "TRX",
            _burned_vs_saved,
            41,
            fees,
        ),
    ):
        daily_series_register(series)
