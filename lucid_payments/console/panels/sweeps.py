"""Sweeps on the dashboard: the ones that failed lately (an operator retries them from
the sweeps list) and, per day of the last 30, the sweeps completed and what sweeping cost."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from gateway.sweeps.models import Sweep, SweepStatus
from lucid_payments.console.panels.attention import AttentionItem, attention_register
from lucid_payments.console.panels.daily import DailySeries, PerDay, daily_series_register, per_day

VIEW = "sweeps.view_sweep"
# Long enough to span a weekend; an older failure has been seen (or retried) by then.
FAILED_WINDOW = timedelta(days=7)


def _failed_since() -> datetime:
    # Whole minutes: the count and its link, computed a moment apart, name the same rows.
    return (timezone.now() - FAILED_WINDOW).replace(second=0, microsecond=0)


def failed_lately() -> int:
    return Sweep.objects.filter(status=SweepStatus.FAILED, created_at__gte=_failed_since()).count()


def _failed_url() -> str:
    query = {"status__exact": "failed", "created_at__gte": _failed_since().isoformat()}
    return reverse("admin:sweeps_sweep_changelist") + "?" + urlencode(query)


def completed(start: datetime) -> PerDay:
    rows = (
        Sweep.objects.filter(status=SweepStatus.COMPLETED, completed_at__gte=start)
        .annotate(day=TruncDate("completed_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    return per_day(rows, "n")


def _costed(start: datetime) -> QuerySet[Any]:
    # By the day the costs were recorded: a failed sweep's burned TRX is a cost too.
    return Sweep.objects.filter(costed_at__gte=start).annotate(day=TruncDate("costed_at"))


def costs(start: datetime) -> PerDay:
    rows = (
        _costed(start)
        .values("day")
        .annotate(
            energy=Sum("cost_energy_sun"),
            other=Sum(F("cost_activation_sun") + F("cost_bandwidth_sun") + F("cost_sweep_sun")),
        )
    )
    return per_day(rows, "energy", "other")


def register() -> None:
    attention_register(
        AttentionItem(
            "sweeps_failed", "Sweeps failed (7 days)", failed_lately, _failed_url, VIEW, 30
        )
    )
    for series in (
        DailySeries(
            "sweeps_completed", "Sweeps completed", ("completed",), None, completed, 60, VIEW
        ),
        DailySeries(
            "sweep_costs",
            "Sweep costs",
            ("energy", "activation, bandwidth, send"),
            "TRX",
            costs,
            61,
            VIEW,
        ),
    ):
        daily_series_register(series)
