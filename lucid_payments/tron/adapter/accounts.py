"""An account as the node reports it: balance, Stake 2.0 state and resources, typed.

``getaccount`` answers ``{}`` for an address that was never activated; that is an
account that does not exist, with nothing on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.addresses import normalize_address

RESOURCES = ("BANDWIDTH", "ENERGY", "TRON_POWER")


@dataclass(frozen=True, slots=True)
class AccountResources:
    free_net_limit: int
    free_net_used: int
    net_limit: int
    net_used: int
    energy_limit: int
    energy_used: int
    tron_power_limit: int
    # Network-wide: energy per day shared out, and whole TRX staked for energy.
    total_energy_limit: int = 0
    total_energy_weight: int = 0


@dataclass(frozen=True, slots=True)
class PendingUnfreeze:
    resource: str
    amount_sun: int
    expire_time_ms: int


@dataclass(frozen=True, slots=True)
class Vote:
    witness: str  # base58
    count: int  # whole TRX of tron power


@dataclass(frozen=True, slots=True)
class Account:
    address: str  # base58
    exists: bool
    balance_sun: int
    create_time_ms: int | None
    frozen_sun: dict[str, int]  # staked per resource (Stake 2.0)
    unfreezing: tuple[PendingUnfreeze, ...]
    resources: AccountResources
    # Stake 2.0 delegation: TRX of ours backing others' resources (still ours, not
    # spendable), and TRX of others backing ours (not ours at all).
    delegated_out_sun: dict[str, int] = field(default_factory=dict)
    delegated_in_sun: dict[str, int] = field(default_factory=dict)
    votes: tuple[Vote, ...] = ()

    @property
    def staked_total_sun(self) -> int:
        """SUN on this address that is its own but not spendable: frozen, delegated out
        or waiting to be withdrawn after an unfreeze."""
        return (
            sum(self.frozen_sun.values())
            + sum(self.delegated_out_sun.values())
            + sum(item.amount_sun for item in self.unfreezing)
        )


def account(node: TronNode, address: str) -> Account:
    """``getaccount`` and ``getaccountresource`` of ``address`` (either form)."""
    address = normalize_address(address)
    raw = node.post("wallet/getaccount", {"address": address, "visible": True})
    resources = node.post("wallet/getaccountresource", {"address": address, "visible": True})
    frozen = dict.fromkeys(RESOURCES, 0)
    for item in raw.get("frozenV2", []):
        resource = item.get("type", "BANDWIDTH")  # proto3 omits the default, BANDWIDTH
        frozen[resource] = frozen.get(resource, 0) + int(item.get("amount", 0))
    create_time = raw.get("create_time")
    resource_fields = raw.get("account_resource", {})
    return Account(
        address=address,
        exists=bool(raw),
        balance_sun=int(raw.get("balance", 0)),
        create_time_ms=int(create_time) if create_time is not None else None,
        frozen_sun=frozen,
        unfreezing=tuple(
            PendingUnfreeze(
                resource=item.get("type", "BANDWIDTH"),
                amount_sun=int(item.get("unfreeze_amount", 0)),
                expire_time_ms=int(item.get("unfreeze_expire_time", 0)),
            )
            for item in raw.get("unfrozenV2", [])
        ),
        resources=AccountResources(
            free_net_limit=int(resources.get("freeNetLimit", 0)),
            free_net_used=int(resources.get("freeNetUsed", 0)),
            net_limit=int(resources.get("NetLimit", 0)),
            net_used=int(resources.get("NetUsed", 0)),
            energy_limit=int(resources.get("EnergyLimit", 0)),
            energy_used=int(resources.get("EnergyUsed", 0)),
            tron_power_limit=int(resources.get("tronPowerLimit", 0)),
            total_energy_limit=int(resources.get("TotalEnergyLimit", 0)),
            total_energy_weight=int(resources.get("TotalEnergyWeight", 0)),
        ),
        delegated_out_sun={
            "BANDWIDTH": int(raw.get("delegated_frozenV2_balance_for_bandwidth", 0)),
            "ENERGY": int(resource_fields.get("delegated_frozenV2_balance_for_energy", 0)),
        },
        delegated_in_sun={
            "BANDWIDTH": int(raw.get("acquired_delegated_frozenV2_balance_for_bandwidth", 0)),
            "ENERGY": int(resource_fields.get("acquired_delegated_frozenV2_balance_for_energy", 0)),
        },
        votes=tuple(
            Vote(witness=str(item.get("vote_address", "")), count=int(item.get("vote_count", 0)))
            for item in raw.get("votes", [])
        ),
    )


def reward(node: TronNode, address: str) -> int:
    """SUN of voting reward ``address`` could claim now (``getReward``)."""
    body = node.post("wallet/getReward", {"address": normalize_address(address), "visible": True})
    return int(body.get("reward", 0))


def can_delegate_max_sun(node: TronNode, address: str, resource: str) -> int:
    """SUN of ``resource`` stake ``address`` can delegate now (``getcandelegatedmaxsize``)."""
    body = node.post(
        "wallet/getcandelegatedmaxsize",
        {
            "owner_address": normalize_address(address),
            "type": 1 if resource == "ENERGY" else 0,
            "visible": True,
        },
    )
    return int(body.get("max_size", 0))
