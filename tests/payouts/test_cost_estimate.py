"""The cost estimate a payout is accepted with asks the node as little as it can: the
chain's prices once a minute, and an address's activation until it is activated (an
account is never removed, so a yes is kept; a no may change with the next transfer)."""

from __future__ import annotations

import hashlib

import pytest

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.signing import PrivateKeySigner
from payouts.chain_reads import TRX_TRANSFER_BANDWIDTH_BYTES, network_cost_estimate
from tests.tron.conftest import SOLID_LAG, CountingNode, DevnetHandle

pytestmark = [pytest.mark.devnet]


def test_the_estimate_remembers_prices_and_activations_but_not_an_empty_address(
    devnet: DevnetHandle,
) -> None:
    node = CountingNode(devnet.url)
    fresh = PrivateKeySigner(hashlib.sha256(b"cost-estimate").digest()).address
    sender = devnet.accounts[1].address
    prices = resource_prices(node)
    node.asked.clear()

    def estimate() -> int | None:
        return network_cost_estimate(
            asset=Asset.TRX, sender=sender, destination=fresh, amount=1, node=node
        )

    try:
        activation = prices.create_account_sun + prices.create_account_bandwidth_sun
        assert estimate() == activation
        devnet.faucet(fresh, trx=1)
        devnet.mine(1 + SOLID_LAG)
        ordinary = TRX_TRANSFER_BANDWIDTH_BYTES * prices.bandwidth_sun
        assert estimate() == ordinary  # the "not activated" of before was not kept
        asked = sum(node.asked.values())
        assert estimate() == ordinary
        assert sum(node.asked.values()) == asked  # nothing asked the third time
        assert node.asked["wallet/getchainparameters"] == 1
    finally:
        node.close()
