"""A client's sweep threshold and hot-wallet cap per asset: its ``SweepSettings`` where
set, else the platform's defaults (settings ``SWEEP_THRESHOLD_*``, ``SWEEP_HOT_CAP_*``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from gateway.sweeps.models import SweepSettings
from lucid_payments.core.money import Asset


@dataclass(frozen=True)
class SweepLimits:
    threshold: int  # base units an address must hold before it is swept
    hot_cap: int  # base units the hot wallet may hold; 0: no cap


def sweep_limits(*, client_id: int, asset: Asset) -> SweepLimits:
    row = SweepSettings.objects.filter(client_id=client_id).first()
    if asset == Asset.TRX:
        threshold = row.threshold_trx_sun if row else None
        cap = row.hot_cap_trx_sun if row else None
        default_threshold, default_cap = (
            settings.SWEEP_THRESHOLD_TRX_SUN,
            settings.SWEEP_HOT_CAP_TRX_SUN,
        )
    else:
        threshold = row.threshold_usdt_units if row else None
        cap = row.hot_cap_usdt_units if row else None
        default_threshold = settings.SWEEP_THRESHOLD_USDT_UNITS
        default_cap = settings.SWEEP_HOT_CAP_USDT_UNITS
    return SweepLimits(
        threshold=int(default_threshold if threshold is None else threshold),
        hot_cap=int(default_cap if cap is None else cap),
    )
