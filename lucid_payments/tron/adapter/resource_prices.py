"""What the chain charges for resources, from its live parameters (never hard-coded).

``wallet/getchainparameters`` is answered by java-tron and the devnet alike and carries
the current prices: ``getEnergyFee`` (SUN burned per energy when the sender has none
staked or delegated), ``getTransactionFee`` (SUN per byte of bandwidth),
``getCreateAccountFee`` (SUN the creating transaction's bandwidth costs when an account
is activated) and ``getCreateNewAccountFeeInSystemContract`` (SUN the activation itself
costs). ``wallet/getenergyprices`` gives the price history, which we do not need.
"""

from __future__ import annotations

from dataclasses import dataclass

from lucid_payments.tron.adapter.errors import NodeBadResponse
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.reads import chain_parameters


@dataclass(frozen=True, slots=True)
class ResourcePrices:
    energy_sun: int  # per unit of energy burned
    bandwidth_sun: int  # per byte of bandwidth burned
    create_account_bandwidth_sun: int  # bandwidth of a transaction that activates an account
    create_account_sun: int  # the activation fee itself

    def energy_cost_sun(self, energy: int) -> int:
        """SUN burned for ``energy`` when none of it is staked or delegated."""
        return energy * self.energy_sun


# How long ``recent_resource_prices`` trusts a reading: prices change only by a committee
# proposal (hours apart on mainnet), and every caller of it wants an estimate or a record
# of the price, not a decision that moves money.
RECENT_MAX_AGE_S = 60.0
_MEMORY_KEY = "resource_prices"

_KEYS = {
    "energy_sun": "getEnergyFee",
    "bandwidth_sun": "getTransactionFee",
    "create_account_bandwidth_sun": "getCreateAccountFee",
    "create_account_sun": "getCreateNewAccountFeeInSystemContract",
}


def resource_prices(node: TronNode) -> ResourcePrices:
    """The chain's current resource prices in SUN."""
    values = {parameter.key: parameter.value for parameter in chain_parameters(node)}
    missing = sorted(key for key in _KEYS.values() if key not in values)
    if missing:
        raise NodeBadResponse(f"getchainparameters answered without {', '.join(missing)}.")
    return ResourcePrices(**{field: values[key] for field, key in _KEYS.items()})


def remembered_resource_prices(
    node: TronNode, *, max_age_s: float = RECENT_MAX_AGE_S
) -> ResourcePrices | None:
    """What ``recent_resource_prices`` would answer without a network call, else None."""
    prices = node.recall(_MEMORY_KEY, max_age_s=max_age_s)
    return prices if isinstance(prices, ResourcePrices) else None


def recent_resource_prices(
    node: TronNode, *, max_age_s: float = RECENT_MAX_AGE_S
) -> ResourcePrices:
    """``resource_prices``, read at most once per ``max_age_s`` by ``node``."""
    return node.recall_or_read(_MEMORY_KEY, max_age_s=max_age_s, read=lambda: resource_prices(node))
