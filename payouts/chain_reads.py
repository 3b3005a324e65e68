"""What the payout router asks the node (network reads: never inside a database
transaction): the cost a payout's transaction should burn, and whether the hot wallet
holds enough on chain to send it now."""

from __future__ import annotations

import logging
from typing import Protocol

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.errors import NodeRejected, NodeUnavailable
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.resource_prices import recent_resource_prices
from lucid_payments.tron.adapter.trc20 import balance_of, transfer_energy
from usdt.energy.plan import TRANSFER_BANDWIDTH_BYTES
from wallets.tokens import usdt_contract

logger = logging.getLogger(__name__)

# Bytes of bandwidth a TRX transfer takes (about 270), rounded up.
TRX_TRANSFER_BANDWIDTH_BYTES = 300
# What a USDT transfer uses when the node cannot simulate it (the sender lacks the
# tokens for now): to an address that holds USDT, and to one that holds none.
USDT_TRANSFER_ENERGY_TO_HOLDER = 64_285
USDT_TRANSFER_ENERGY_TO_EMPTY = 130_285
# How long an estimate trusts a yes to "is this address activated" (it never becomes a
# no). With the prices remembered too, accepting a payout asks the node nothing when it
# pays an address it paid before.
ACTIVATED_MAX_AGE_S = 3600.0


def _activated(node: TronNode, address: str) -> bool:
    """Whether ``address`` exists on chain. Only a yes is remembered: an account, once
    activated, is never removed, while a no may change with the next transfer in."""
    key = ("payouts.activated", address)
    if node.recall(key, max_age_s=ACTIVATED_MAX_AGE_S):
        return True
    exists = account(node, address).exists
    if exists:
        node.remember(key, True)
    return exists


def _trx_cost(node: TronNode, *, destination: str) -> int:
    prices = recent_resource_prices(node)
    if not _activated(node, destination):
        # Activating the destination: the creation fee plus the creating transaction's
        # bandwidth, instead of the ordinary bandwidth.
        return prices.create_account_sun + prices.create_account_bandwidth_sun
    return TRX_TRANSFER_BANDWIDTH_BYTES * prices.bandwidth_sun


def _usdt_cost(node: TronNode, *, sender: str, destination: str, amount: int) -> int:
    prices = recent_resource_prices(node)
    contract = usdt_contract()
    try:
        energy = transfer_energy(
            node, contract=contract, sender=sender, to=destination, amount=amount
        ).energy
    except NodeRejected:  # the hot wallet cannot cover it yet: the typical figure
        holds = balance_of(node, contract=contract, holder=destination) > 0
        energy = USDT_TRANSFER_ENERGY_TO_HOLDER if holds else USDT_TRANSFER_ENERGY_TO_EMPTY
    return prices.energy_cost_sun(energy) + TRANSFER_BANDWIDTH_BYTES * prices.bandwidth_sun


class CostEstimator(Protocol):
    def __call__(
        self, *, asset: Asset, sender: str, destination: str, amount: int
    ) -> int | None: ...


def network_cost_estimate(
    *, asset: Asset, sender: str, destination: str, amount: int, node: TronNode | None = None
) -> int | None:
    """SUN the payout's transaction would burn if none of its energy or bandwidth were
    staked or delegated (an upper estimate; the energy policy usually pays less). None when
    the node cannot tell now: the payout is accepted all the same."""
    try:
        node = node or get_node()
        if asset == Asset.TRX:
            return _trx_cost(node, destination=destination)
        return _usdt_cost(node, sender=sender, destination=destination, amount=amount)
    except (NodeUnavailable, NodeRejected):
        logger.warning("payout cost estimate unavailable: the node did not answer")
        return None


def hot_wallet_covers(
    *, asset: Asset, sender: str, amount: int, trx_reserve_sun: int, node: TronNode | None = None
) -> bool:
    """Whether ``sender`` holds ``amount`` on chain now (for TRX, plus ``trx_reserve_sun``
    for the transaction's own cost). ``NodeUnavailable`` passes up: a node that does not
    answer says nothing about the wallet."""
    node = node or get_node()
    if asset == Asset.TRX:
        return account(node, sender).balance_sun >= amount + trx_reserve_sun
    return balance_of(node, contract=usdt_contract(), holder=sender) >= amount
