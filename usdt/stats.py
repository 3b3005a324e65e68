"""Per-day figures of a client's USDT transfers: volume, counts, and what they cost in TRX
against burning everything.

``trx_if_burning_everything`` prices every unit of energy the transfers used at the
chain's energy price when each was recorded, plus the bandwidth they burned;
``trx_burned`` is what they actually burned; ``trx_policy_cost`` is what the energy
policy's own transactions for them burned (activation, delegate, reclaim, top-up). The
saving is the first minus the other two: the policy pays for itself only if it is
positive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from lucid_payments.accounts.models import Client
from usdt.energy.policy import ACTIVATE_PREFIX, DELEGATE_PREFIX, RECLAIM_PREFIX, TOPUP_PREFIX
from usdt.models import EnergyDelegation, TrxTopUp, UsdtTransfer, UsdtTransferStatus
from wallets.custody import INTERNAL_PREFIX
from wallets.models.fees import TransactionFee


@dataclass
class DayStats:
    day: date | None
    transfers: int = 0
    confirmed: int = 0
    failed: int = 0
    volume: int = 0
    energy_total: int = 0
    energy_delegated: int = 0
    energy_burned: int = 0
    trx_burned_sun: int = 0
    trx_policy_cost_sun: int = 0
    trx_if_burning_everything_sun: int = 0
    delegations: list[int] = field(default_factory=list)

    @property
    def trx_saved_sun(self) -> int:
        return self.trx_if_burning_everything_sun - self.trx_burned_sun - self.trx_policy_cost_sun

    def add(self, other: DayStats) -> None:
        for name in (
            "transfers",
            "confirmed",
            "failed",
            "volume",
            "energy_total",
            "energy_delegated",
            "energy_burned",
            "trx_burned_sun",
            "trx_policy_cost_sun",
            "trx_if_burning_everything_sun",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def usdt_stats(
    *, client: Client, days: int, now: datetime | None = None
) -> tuple[list[DayStats], DayStats]:
    """(one row per day with transfers, oldest first; the totals) for the last ``days``."""
    now = now or timezone.now()
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    transfers = list(UsdtTransfer.objects.filter(client=client, created_at__gte=since))
    by_day: dict[date, DayStats] = {}
    fees = {
        row.txid: row
        for row in TransactionFee.objects.filter(txid__in=[t.txid for t in transfers if t.txid])
    }
    policy_fees = _policy_fees([t.reference for t in transfers])
    for transfer in transfers:
        day = transfer.created_at.astimezone(UTC).date()
        stats = by_day.setdefault(day, DayStats(day=day))
        stats.transfers += 1
        if transfer.status == UsdtTransferStatus.CONFIRMED:
            stats.confirmed += 1
            stats.volume += transfer.amount
        elif transfer.status == UsdtTransferStatus.FAILED:
            stats.failed += 1
        fee = fees.get(transfer.txid)
        if fee is not None:
            stats.energy_total += fee.energy_total
            stats.energy_delegated += fee.energy_delegated
            stats.energy_burned += fee.energy_burned
            stats.trx_burned_sun += fee.fee_sun
            stats.trx_if_burning_everything_sun += (
                (fee.energy_total - fee.energy_contract) * fee.energy_price_sun
                + fee.bandwidth_burned_sun
                + fee.activation_sun
            )
        stats.trx_policy_cost_sun += policy_fees.get(transfer.reference, 0)
    rows = [by_day[day] for day in sorted(by_day)]
    totals = DayStats(day=None)
    for row in rows:
        totals.add(row)
    return rows, totals


def _policy_fees(purposes: list[str]) -> dict[str, int]:
    """send reference → SUN the energy policy's own transactions for it burned: the
    sender's activation, the delegation and its reclaims, a fee-wallet top-up."""
    if not purposes:
        return {}
    owner_of: dict[str, str] = {}
    for pk, purpose, attempts in EnergyDelegation.objects.filter(purpose__in=purposes).values_list(
        "id", "purpose", "reclaim_attempts"
    ):
        owner_of[f"{INTERNAL_PREFIX}{ACTIVATE_PREFIX}{pk}"] = purpose
        owner_of[f"{INTERNAL_PREFIX}{DELEGATE_PREFIX}{pk}"] = purpose
        for attempt in range(1, attempts + 1):
            owner_of[f"{INTERNAL_PREFIX}{RECLAIM_PREFIX}{pk}:{attempt}"] = purpose
    for pk, purpose in TrxTopUp.objects.filter(purpose__in=purposes).values_list("id", "purpose"):
        owner_of[f"{INTERNAL_PREFIX}{TOPUP_PREFIX}{pk}"] = purpose
    totals: dict[str, int] = defaultdict(int)
    rows = TransactionFee.objects.filter(reference__in=list(owner_of))
    for reference, fee_sun in rows.values_list("reference", "fee_sun"):
        totals[owner_of[reference]] += fee_sun
    return totals
