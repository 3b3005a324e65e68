"""The USDT-shaped TRC20 token through tronpy's contract API: calls, logs, energy, reverts."""

from __future__ import annotations

import pytest
import tronpy
from tronpy.exceptions import TvmError

from devnet.testing import RunningDevnet
from tests.devnet.conftest import key_of

TRANSFER_TOPIC = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
APPROVAL_TOPIC = "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
FEE_LIMIT = 50_000_000
# Mainnet's energy for a USDT transfer: to an address that already holds USDT, to an empty one.
MAINNET_ENERGY_TO_HOLDER = 64_285
MAINNET_ENERGY_TO_EMPTY = 130_285


def within_one_percent(energy: int, mainnet: int) -> bool:
    return abs(energy - mainnet) * 100 <= mainnet


def transfer_parameter(client: tronpy.Tron, to: str, amount: int) -> str:
    return "00" * 12 + client.to_hex_address(to)[2:] + amount.to_bytes(32, "big").hex()


def _send(chain: RunningDevnet, method: object, owner_index: int) -> dict:
    owner = chain.accounts[owner_index]
    receipt = (
        method.with_owner(owner.address)  # type: ignore[attr-defined]
        .fee_limit(FEE_LIMIT)
        .build()
        .sign(key_of(owner))
        .broadcast()
    )
    chain.mine()
    return receipt


def test_views_report_usdt_shape(chain: RunningDevnet, client: tronpy.Tron) -> None:
    token = client.get_contract(chain.token_address)
    assert token.functions.name() == "Tether USD"
    assert token.functions.symbol() == "USDT"
    assert token.functions.decimals() == 6
    supply = token.functions.totalSupply()
    assert token.functions.balanceOf(chain.accounts[0].address) == supply
    assert token.functions.balanceOf(chain.accounts[1].address) == 0


def test_transfer_moves_balance_and_logs_transfer_event(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    token = client.get_contract(chain.token_address)
    issuer, receiver = chain.accounts[0], chain.accounts[4]
    receipt = _send(chain, token.functions.transfer(receiver.address, 12_345_678), 0)
    assert receipt.result() is True
    info = receipt.wait()
    assert info["receipt"]["result"] == "SUCCESS"
    (log,) = info["log"]
    assert log["topics"][0] == TRANSFER_TOPIC
    assert log["topics"][1][-40:] == client.to_hex_address(issuer.address)[2:]
    assert log["topics"][2][-40:] == client.to_hex_address(receiver.address)[2:]
    assert int(log["data"], 16) == 12_345_678
    assert token.functions.balanceOf(receiver.address) == 12_345_678
    assert info["contract_address"] == chain.token_address


def test_transfer_to_an_empty_holder_costs_more_energy_than_to_an_existing_one(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    token = client.get_contract(chain.token_address)
    receiver = chain.accounts[5].address
    first = _send(chain, token.functions.transfer(receiver, 1), 0).wait()
    second = _send(chain, token.functions.transfer(receiver, 1), 0).wait()
    first_energy = first["receipt"]["energy_usage_total"]
    second_energy = second["receipt"]["energy_usage_total"]
    assert within_one_percent(first_energy, MAINNET_ENERGY_TO_EMPTY), first_energy
    assert within_one_percent(second_energy, MAINNET_ENERGY_TO_HOLDER), second_energy
    # no staked energy: every unit is burned at getEnergyFee (100 SUN)
    assert first["receipt"]["energy_fee"] == first_energy * 100


def test_approve_allowance_and_transfer_from(chain: RunningDevnet, client: tronpy.Tron) -> None:
    token = client.get_contract(chain.token_address)
    owner, spender, target = chain.accounts[0], chain.accounts[6], chain.accounts[7]
    approval = _send(chain, token.functions.approve(spender.address, 500), 0).wait()
    assert approval["log"][0]["topics"][0] == APPROVAL_TOPIC
    assert token.functions.allowance(owner.address, spender.address) == 500
    moved = _send(chain, token.functions.transferFrom(owner.address, target.address, 300), 6).wait()
    assert moved["receipt"]["result"] == "SUCCESS"
    assert token.functions.allowance(owner.address, spender.address) == 200
    assert token.functions.balanceOf(target.address) == 300


def test_transfer_beyond_balance_reverts_but_is_included_and_charged(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    token = client.get_contract(chain.token_address)
    poor, receiver = chain.accounts[2], chain.accounts[3]
    receipt = _send(chain, token.functions.transfer(receiver.address, 1), 2)
    with pytest.raises(TvmError, match="REVERT opcode executed: ERC20: transfer amount exceeds"):
        receipt.result()
    info = receipt.wait()
    assert info["result"] == "FAILED"
    assert info["receipt"]["result"] == "REVERT"
    assert info["fee"] > 0
    assert "log" not in info
    tx = client.get_transaction(receipt.txid)
    assert tx["ret"] == [{"contractRet": "REVERT"}]
    assert token.functions.balanceOf(poor.address) == 0


def test_constant_call_revert_raises_tvm_error(chain: RunningDevnet, client: tronpy.Tron) -> None:
    with pytest.raises(TvmError, match="REVERT opcode executed"):
        client.trigger_constant_contract(
            chain.accounts[2].address,
            chain.token_address,
            "transfer(address,uint256)",
            "00" * 31 + "01" + "00" * 31 + "05",
        )


def test_unknown_selector_reverts(chain: RunningDevnet, client: tronpy.Tron) -> None:
    with pytest.raises(TvmError, match="REVERT"):
        client.trigger_constant_contract(
            chain.accounts[0].address, chain.token_address, "mint(uint256)", "00" * 32
        )


def test_estimate_energy_and_contract_abi(chain: RunningDevnet, client: tronpy.Tron) -> None:
    energy = client.get_estimated_energy(
        chain.accounts[0].address,
        chain.token_address,
        "transfer(address,uint256)",
        "00" * 12 + client.to_hex_address(chain.accounts[8].address)[2:] + "00" * 31 + "01",
    )
    assert energy > 100_000
    token = client.get_contract(chain.token_address)
    assert {entry.get("name") for entry in token.abi} >= {"transfer", "Transfer", "balanceOf"}


def test_constant_call_and_estimate_report_a_transfers_energy_as_mainnet_charges_it(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    """What a sender sets fee_limit from: the estimate must match what the transfer burns."""
    sender, holder, empty = chain.accounts[0], chain.accounts[5], chain.accounts[6]
    token = client.get_contract(chain.token_address)
    _send(chain, token.functions.transfer(holder.address, 1), 0)
    for receiver, mainnet in ((holder, MAINNET_ENERGY_TO_HOLDER), (empty, MAINNET_ENERGY_TO_EMPTY)):
        parameter = transfer_parameter(client, receiver.address, 1)
        constant = client.trigger_constant_contract(
            sender.address, chain.token_address, "transfer(address,uint256)", parameter
        )
        estimate = client.get_estimated_energy(
            sender.address, chain.token_address, "transfer(address,uint256)", parameter
        )
        assert within_one_percent(constant["energy_used"], mainnet), constant
        assert estimate == constant["energy_used"]
        sent = _send(chain, token.functions.transfer(receiver.address, 1), 0).wait()
        assert sent["receipt"]["energy_usage_total"] == estimate
