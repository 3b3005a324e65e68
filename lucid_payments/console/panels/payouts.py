"""Payouts on the dashboard: what waits for an operator (an approval, a second approver,
a refilled hot wallet) and what was sent in the last 30 days, per day and asset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from lucid_payments.console.panels.attention import AttentionItem, attention_register, url_to
from lucid_payments.console.panels.daily import (
    DailySeries,
    PerDay,
    count_and_volume,
    daily_series_register,
    every_asset,
    one_asset,
)
from payouts.models import Payout, PayoutApproval, PayoutStatus

VIEW = "payouts.view_payout"
# Sent: its transaction left (or it was booked internally); a failed one came back.
SENT_STATUSES = (PayoutStatus.SENDING, PayoutStatus.CONFIRMED)


def _awaiting() -> QuerySet[Payout]:
    return Payout.objects.filter(status=PayoutStatus.AWAITING_APPROVAL)


def _approved_once() -> Exists:
    return Exists(PayoutApproval.objects.filter(payout=OuterRef("pk")))


def awaiting_first_approval() -> int:
    return _awaiting().filter(~_approved_once()).count()


def awaiting_second_approver() -> int:
    # Four eyes: one operator approved, a different one must (the first cannot twice).
    return _awaiting().filter(_approved_once(), approvals_required=2).count()


def delayed_by_hot_wallet() -> int:
    return Payout.objects.filter(status=PayoutStatus.QUEUED, delayed_since__isnull=False).count()


def _sent(start: datetime) -> dict[str, PerDay]:
    sent = Payout.objects.filter(status__in=SENT_STATUSES, sent_at__gte=start)
    return count_and_volume("payouts_sent", sent, day_of="sent_at", amount="amount")


def sent_count(start: datetime) -> PerDay:
    return every_asset(_sent(start), 0)


def sent_volume(asset: str) -> Callable[[datetime], PerDay]:
    return lambda start: one_asset(_sent(start), asset, 1)


def register() -> None:
    payouts = "admin:payouts_payout_changelist"
    awaiting = "status__exact=awaiting_approval"
    for item in (
        AttentionItem(
            "payouts_awaiting_approval",
            "Payouts awaiting approval",
            awaiting_first_approval,
            url_to(payouts, f"{awaiting}&approvals__isnull=True"),
            VIEW,
            20,
        ),
        AttentionItem(
            "payouts_second_approver",
            "Payouts awaiting a second approver",
            awaiting_second_approver,
            url_to(payouts, f"{awaiting}&approvals_required__exact=2&approvals__isnull=False"),
            VIEW,
            21,
        ),
        AttentionItem(
            "payouts_delayed",
            "Payouts delayed by a short hot wallet",
            delayed_by_hot_wallet,
            url_to(payouts, "status__exact=queued&delayed_since__isnull=False"),
            VIEW,
            22,
        ),
    ):
        attention_register(item)
    for series in (
        DailySeries("payouts_sent", "Payouts sent", ("sent",), None, sent_count, 50, VIEW),
        DailySeries(
            "payouts_trx", "Payout volume, TRX", ("TRX",), "TRX", sent_volume("TRX"), 51, VIEW
        ),
        DailySeries(
            "payouts_usdt", "Payout volume, USDT", ("USDT",), "USDT", sent_volume("USDT"), 52, VIEW
        ),
    ):
        daily_series_register(series)
