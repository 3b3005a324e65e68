"""Stake 2.0 delegation reads: what an account can still delegate, what it delegates to
whom, and the TRX that yields a given amount of energy.

``getcandelegatedmaxsize`` answers ``{}`` when nothing can be delegated, and
``getdelegatedresourcev2`` ``{}`` when there is no delegation; both read as zero here.
"""

from __future__ import annotations

from dataclasses import dataclass

from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.addresses import normalize_address

SUN_PER_TRX = 1_000_000
# Common.ResourceCode numbers, as getcandelegatedmaxsize's "type" takes them.
RESOURCE_CODES = {"BANDWIDTH": 0, "ENERGY": 1}


@dataclass(frozen=True, slots=True)
class Delegation:
    """TRX (SUN) ``source`` delegates to ``receiver``, per resource."""

    source: str  # base58
    receiver: str  # base58
    energy_sun: int
    bandwidth_sun: int


def can_delegate_max_sun(node: TronNode, owner: str, *, resource: str = "ENERGY") -> int:
    """SUN of staked TRX ``owner`` could delegate for ``resource`` right now."""
    body = node.post(
        "wallet/getcandelegatedmaxsize",
        {
            "owner_address": normalize_address(owner),
            "type": RESOURCE_CODES[resource],
            "visible": True,
        },
    )
    return int(body.get("max_size", 0))


def delegations(node: TronNode, *, source: str, receiver: str) -> Delegation:
    """What ``source`` delegates to ``receiver`` now (zero when nothing)."""
    body = node.post(
        "wallet/getdelegatedresourcev2",
        {
            "fromAddress": normalize_address(source),
            "toAddress": normalize_address(receiver),
            "visible": True,
        },
    )
    energy = bandwidth = 0
    for row in body.get("delegatedResource", []):
        energy += int(row.get("frozen_balance_for_energy", 0))
        bandwidth += int(row.get("frozen_balance_for_bandwidth", 0))
    return Delegation(
        source=normalize_address(source),
        receiver=normalize_address(receiver),
        energy_sun=energy,
        bandwidth_sun=bandwidth,
    )


def delegation_receivers(node: TronNode, source: str) -> list[str]:
    """Every account ``source`` delegates resources to (base58)."""
    body = node.post(
        "wallet/getdelegatedresourceaccountindexv2",
        {"value": normalize_address(source), "visible": True},
    )
    return [normalize_address(address) for address in body.get("toAccounts", [])]


def sun_for_energy(energy: int, *, total_energy_limit: int, total_energy_weight: int) -> int:
    """SUN of staked TRX whose share of the network's daily energy covers ``energy``:
    energy = TRX / TotalEnergyWeight x TotalEnergyLimit, rounded up to whole TRX, at least
    1 TRX (the least a delegation may move)."""
    if total_energy_limit <= 0 or total_energy_weight <= 0:
        raise ValueError("the network reports no energy to share")
    whole_trx = -(-energy * total_energy_weight // total_energy_limit)
    return max(1, whole_trx) * SUN_PER_TRX
