"""Bandwidth and energy accounting: limits from stake weights, the free daily allowance, and
usage that recovers linearly over a 24 h window, as java-tron's Bandwidth/EnergyProcessor do.

Order of payment for bandwidth (java-tron's BandwidthProcessor.consume):
1. a transaction that creates its recipient: staked bandwidth (bytes * create-account rate),
   else burn `create_account_fee_sun` — the free allowance never pays for account creation;
2. otherwise staked bandwidth, then the free daily allowance, then burn bytes * transaction fee.
Energy: staked energy first, the rest burned at `energy_fee_sun` per unit, capped by
min(fee_limit, balance); beyond the cap the call is out of energy and the whole cap is burned.

Limits follow the real network: limit = staked TRX (own + acquired, whole TRX) * network total
limit / network total weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devnet.params import MS_PER_DAY, SUN_PER_TRX, ChainParams
from devnet.stake import BANDWIDTH, ENERGY, StakeEngine

WINDOW_MS = MS_PER_DAY


@dataclass(slots=True)  # not frozen: two per transaction, and a frozen init costs 3x
class Charge:
    """What one transaction costs its payer; `apply()` records the usage, the node debits fees."""

    net_usage: int = 0
    """Bandwidth points taken from stake or from the free allowance."""
    net_fee: int = 0
    """SUN burned for bandwidth (or for creating an account without staked bandwidth)."""
    energy_usage: int = 0
    """Energy taken from stake."""
    energy_fee: int = 0
    """SUN burned for energy beyond stake."""
    energy_usage_total: int = 0
    """Energy the execution consumed (receipt.energy_usage_total)."""
    out_of_energy: bool = False
    """The call needed more energy than stake + min(fee_limit, balance) buys."""
    insufficient_balance: bool = False
    """The payer cannot pay `net_fee` (the node answers BANDWITH_ERROR)."""
    apply: Callable[[], None] = field(default=lambda: None, compare=False)


@dataclass
class _Usage:
    """One recovering counter: usage as of `time_ms`."""

    used: int = 0
    time_ms: int = 0

    def now(self, now_ms: int) -> int:
        """Usage left after linear recovery since the last consumption."""
        elapsed = now_ms - self.time_ms
        if elapsed <= 0:
            return self.used
        if elapsed >= WINDOW_MS:
            return 0
        return self.used * (WINDOW_MS - elapsed) // WINDOW_MS


@dataclass
class _AccountUsage:
    free_net: _Usage = field(default_factory=_Usage)
    net: _Usage = field(default_factory=_Usage)
    energy: _Usage = field(default_factory=_Usage)


# What an account that never used a resource reads as. Shared, so never mutated: writers
# create the account's own entry first.
_NO_USAGE = _AccountUsage()


class ResourceMeter:
    """Per-account bandwidth and energy usage; limits come from the stake engine."""

    def __init__(self, *, stake: StakeEngine, params: ChainParams) -> None:
        self.stake = stake
        self.params = params
        self._accounts: dict[bytes, _AccountUsage] = {}
        stake.attach_usage_book(self)

    # ---- limits ------------------------------------------------------------------------
    def net_limit(self, address: bytes) -> int:
        return self._limit(address, BANDWIDTH, self.params.total_net_limit)

    def energy_limit(self, address: bytes) -> int:
        return self._limit(address, ENERGY, self.params.total_energy_limit)

    def _limit(self, address: bytes, resource: str, network_limit: int) -> int:
        staked_trx = self.stake.staked_for(address, resource) // SUN_PER_TRX
        if not staked_trx:  # most payers: skip summing the network's stake
            return 0
        weight = self.stake.total_weight(resource)
        if weight <= 0:
            return 0
        return staked_trx * network_limit // weight

    # ---- UsageBook (used by StakeEngine for delegation) ------------------------------
    def staked_usage(self, address: bytes, resource: str, *, now_ms: int) -> int:
        usage = self._accounts.get(address)
        if usage is None:
            return 0
        return (usage.net if resource == BANDWIDTH else usage.energy).now(now_ms)

    def move_usage(
        self, *, source: bytes, target: bytes, resource: str, units: int, now_ms: int
    ) -> None:
        for address, delta in ((source, -units), (target, units)):
            counter = self._counter(address, resource)
            counter.used = max(0, counter.now(now_ms) + delta)
            counter.time_ms = now_ms

    def _counter(self, address: bytes, resource: str) -> _Usage:
        usage = self._accounts.get(address)
        if usage is None:
            usage = self._accounts[address] = _AccountUsage()
        return usage.net if resource == BANDWIDTH else usage.energy

    # ---- charges -----------------------------------------------------------------------
    def bandwidth(
        self, *, payer: bytes, tx_bytes: int, now_ms: int, creates_account: bool
    ) -> Charge:
        """Bandwidth for one single-contract transaction.

        `tx_bytes` is the billed size: the signed Transaction serialized without `ret`, plus
        java-tron's 64-byte result allowance per contract (the node adds it).
        """
        size = tx_bytes
        usage = self._accounts.get(payer) or _NO_USAGE
        staked_left = self.net_limit(payer) - usage.net.now(now_ms)
        if creates_account:
            cost = size * self.params.create_new_account_bandwidth_rate
            if cost <= staked_left:
                return Charge(net_usage=cost, apply=self._recorder(payer, "net", cost, now_ms))
            return self._burn(payer, self.params.create_account_fee_sun)
        if size <= staked_left:
            return Charge(net_usage=size, apply=self._recorder(payer, "net", size, now_ms))
        if size <= self.params.free_net_limit - usage.free_net.now(now_ms):
            return Charge(net_usage=size, apply=self._recorder(payer, "free_net", size, now_ms))
        return self._burn(payer, size * self.params.transaction_fee_sun)

    def _burn(self, payer: bytes, fee: int) -> Charge:
        short = fee > self.stake_ledger_balance(payer)
        return Charge(net_fee=fee, insufficient_balance=short)

    def energy(self, *, payer: bytes, energy: int, fee_limit: int, now_ms: int) -> Charge:
        """Energy for one contract call that consumed `energy` units."""
        price = self.params.energy_fee_sun
        usage = self._accounts.get(payer) or _NO_USAGE
        staked_left = max(0, self.energy_limit(payer) - usage.energy.now(now_ms))
        if energy <= staked_left:
            return Charge(
                energy_usage=energy,
                energy_usage_total=energy,
                apply=self._recorder(payer, "energy", energy, now_ms),
            )
        spendable = max(0, min(fee_limit, self.stake_ledger_balance(payer)))
        burned_units = energy - staked_left
        if burned_units * price <= spendable:  # a zero energy price makes every call affordable
            return Charge(
                energy_usage=staked_left,
                energy_fee=burned_units * price,
                energy_usage_total=energy,
                apply=self._recorder(payer, "energy", staked_left, now_ms),
            )
        affordable = spendable // price
        return Charge(
            energy_usage=staked_left,
            energy_fee=affordable * price,
            energy_usage_total=staked_left + affordable,
            out_of_energy=True,
            apply=self._recorder(payer, "energy", staked_left, now_ms),
        )

    def stake_ledger_balance(self, address: bytes) -> int:
        return self.stake.ledger.balance(address)

    def _recorder(
        self, payer: bytes, counter_name: str, units: int, now_ms: int
    ) -> Callable[[], None]:
        def apply() -> None:
            usage = self._accounts.get(payer)
            if usage is None:
                usage = self._accounts[payer] = _AccountUsage()
            counter: _Usage = getattr(usage, counter_name)
            counter.used = counter.now(now_ms) + units
            counter.time_ms = now_ms

        return apply

    # ---- JSON bodies -------------------------------------------------------------------
    def resource_fields(self, address: bytes, *, now_ms: int) -> dict[str, Any]:
        """`getaccountresource` body (proto3 JSON: zero values omitted)."""
        usage = self._accounts.get(address) or _NO_USAGE
        body = {
            "freeNetUsed": usage.free_net.now(now_ms),
            "freeNetLimit": self.params.free_net_limit,
            "NetUsed": usage.net.now(now_ms),
            "NetLimit": self.net_limit(address),
            "TotalNetLimit": self.params.total_net_limit,
            "TotalNetWeight": self.stake.total_weight(BANDWIDTH),
            "tronPowerUsed": self.stake.votes_used(address),
            "tronPowerLimit": self.stake.tron_power(address) // SUN_PER_TRX,
            "EnergyUsed": usage.energy.now(now_ms),
            "EnergyLimit": self.energy_limit(address),
            "TotalEnergyLimit": self.params.total_energy_limit,
            "TotalEnergyWeight": self.stake.total_weight(ENERGY),
        }
        return {key: value for key, value in body.items() if value}

    def net_fields(self, address: bytes, *, now_ms: int) -> dict[str, Any]:
        """`getaccountnet` body (proto3 JSON: zero values omitted)."""
        usage = self._accounts.get(address) or _NO_USAGE
        body = {
            "freeNetUsed": usage.free_net.now(now_ms),
            "freeNetLimit": self.params.free_net_limit,
            "NetUsed": usage.net.now(now_ms),
            "NetLimit": self.net_limit(address),
            "TotalNetLimit": self.params.total_net_limit,
            "TotalNetWeight": self.stake.total_weight(BANDWIDTH),
        }
        return {key: value for key, value in body.items() if value}

    def account_fields(self, address: bytes, *, visible: bool, now_ms: int) -> dict[str, Any]:
        """Every stake and usage field of `getaccount`: StakeEngine.account_fields plus
        net_usage / free_net_usage / energy_usage and their consume times, merged."""
        fields = self.stake.account_fields(address, visible=visible)
        usage = self._accounts.get(address)
        if usage is None:
            return fields
        top = {
            "net_usage": usage.net.used,
            "latest_consume_time": usage.net.time_ms,
            "free_net_usage": usage.free_net.used,
            "latest_consume_free_time": usage.free_net.time_ms,
        }
        fields.update({k: v for k, v in top.items() if v})
        energy = {
            "energy_usage": usage.energy.used,
            "latest_consume_time_for_energy": usage.energy.time_ms,
        }
        energy = {k: v for k, v in energy.items() if v}
        if energy:
            fields["account_resource"] = {**fields.get("account_resource", {}), **energy}
        return fields

    # ---- persistence -------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        return {
            address.hex(): {
                name: [counter.used, counter.time_ms]
                for name, counter in (
                    ("free_net", u.free_net),
                    ("net", u.net),
                    ("energy", u.energy),
                )
                if counter.used or counter.time_ms
            }
            for address, u in sorted(self._accounts.items())
        }

    def load_state(self, state: dict[str, Any]) -> None:
        accounts: dict[bytes, _AccountUsage] = {}
        for address, counters in state.items():
            usage = _AccountUsage()
            for name, (used, time_ms) in counters.items():
                setattr(usage, name, _Usage(int(used), int(time_ms)))
            accounts[bytes.fromhex(address)] = usage
        self._accounts = accounts
