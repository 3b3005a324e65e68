"""A client's payout policy: its fee, approval thresholds and limits per asset and route,
from its ``PayoutSettings`` row where set, else the platform's ``PAYOUT_*`` settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from lucid_payments.core.money import Asset, asset_decimals
from payouts.models import PayoutRoute, PayoutSettings

# (route, asset) -> the settings names of the per-payout and the 24 h limit (whole units).
_DEFAULT_LIMITS = {
    (PayoutRoute.V0, Asset.USDT): ("PAYOUT_V0_LIMIT_USDT", "PAYOUT_V0_DAILY_LIMIT_USDT"),
    (PayoutRoute.KYC, Asset.USDT): ("PAYOUT_KYC_LIMIT_USDT", "PAYOUT_KYC_DAILY_LIMIT_USDT"),
    (PayoutRoute.V0, Asset.TRX): ("PAYOUT_V0_LIMIT_TRX", "PAYOUT_V0_DAILY_LIMIT_TRX"),
    (PayoutRoute.KYC, Asset.TRX): ("PAYOUT_KYC_LIMIT_TRX", "PAYOUT_KYC_DAILY_LIMIT_TRX"),
}


@dataclass(frozen=True)
class RouteLimits:
    """Base units of one asset on one route."""

    per_payout: int
    daily: int


@dataclass(frozen=True)
class PayoutPolicy:
    fee: int
    approval_threshold: int | None  # above it: one operator approves
    four_eyes_threshold: int | None  # above it: two different operators approve

    def approvals_required(self, amount: int) -> int:
        if self.four_eyes_threshold is not None and amount > self.four_eyes_threshold:
            return 2
        if self.approval_threshold is not None and amount > self.approval_threshold:
            return 1
        return 0


def _suffix(asset: Asset) -> str:
    return "usdt" if asset == Asset.USDT else "trx"


@dataclass(frozen=True)
class ClientPayoutPolicy:
    """One client's payout settings, read once, for any asset and route."""

    row: PayoutSettings | None

    def for_asset(self, asset: Asset) -> PayoutPolicy:
        """The fee and approval thresholds of ``asset``."""
        if self.row is None:
            return PayoutPolicy(fee=0, approval_threshold=None, four_eyes_threshold=None)
        suffix = _suffix(asset)
        return PayoutPolicy(
            fee=getattr(self.row, f"fee_{suffix}"),
            approval_threshold=getattr(self.row, f"approval_threshold_{suffix}"),
            four_eyes_threshold=getattr(self.row, f"four_eyes_threshold_{suffix}"),
        )

    def limits(self, route: PayoutRoute, asset: Asset) -> RouteLimits:
        """The limits of ``route`` for ``asset``, the client's overrides first."""
        per_payout_name, daily_name = _DEFAULT_LIMITS[(route, asset)]
        unit = 10 ** asset_decimals(asset)
        per_payout = int(getattr(settings, per_payout_name)) * unit
        daily = int(getattr(settings, daily_name)) * unit
        if self.row is not None:
            prefix = f"{route}_"
            suffix = _suffix(asset)
            override = getattr(self.row, f"{prefix}per_payout_{suffix}")
            per_payout = per_payout if override is None else override
            override = getattr(self.row, f"{prefix}daily_{suffix}")
            daily = daily if override is None else override
        return RouteLimits(per_payout=per_payout, daily=daily)


def client_payout_policy(client_id: int) -> ClientPayoutPolicy:
    return ClientPayoutPolicy(PayoutSettings.objects.filter(client_id=client_id).first())
