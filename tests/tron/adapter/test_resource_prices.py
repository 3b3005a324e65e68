"""Resource prices and accounts read from the devnet's live chain parameters."""

from __future__ import annotations

import httpx
import pytest

from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.resource_prices import resource_prices
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.devnet

NEW_ADDRESS = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_prices_are_the_chain_parameters_in_sun(devnet: DevnetHandle) -> None:
    parameters = {p["key"]: p.get("value", 0) for p in _raw_parameters(devnet)}

    prices = resource_prices(get_node())

    assert prices.energy_sun == parameters["getEnergyFee"]
    assert prices.bandwidth_sun == parameters["getTransactionFee"]
    assert prices.create_account_bandwidth_sun == parameters["getCreateAccountFee"]
    assert prices.create_account_sun == parameters["getCreateNewAccountFeeInSystemContract"]
    assert prices.energy_cost_sun(130_285) == 130_285 * prices.energy_sun


def _raw_parameters(devnet: DevnetHandle) -> list[dict[str, int]]:
    answer = httpx.post(f"{devnet.url}/wallet/getchainparameters", json={}, timeout=10)
    return list(answer.json()["chainParameter"])


def test_an_account_appears_with_its_balance_once_it_receives_trx(devnet: DevnetHandle) -> None:
    node = get_node()
    before = account(node, NEW_ADDRESS)
    assert (before.exists, before.balance_sun, before.create_time_ms) == (False, 0, None)

    devnet.faucet(NEW_ADDRESS, trx=2_500_001)
    devnet.mine()

    after = account(node, NEW_ADDRESS)
    assert (after.exists, after.balance_sun) == (True, 2_500_001)
    assert after.frozen_sun == {"BANDWIDTH": 0, "ENERGY": 0, "TRON_POWER": 0}
    assert after.resources.free_net_limit > 0
