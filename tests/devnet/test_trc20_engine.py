"""The devnet's native TRC20 engine: selectors, ABI results, logs, reverts and energy."""

from __future__ import annotations

import json

import pytest
from tronpy.abi import trx_abi
from tronpy.contract import Contract

from devnet import abi
from devnet.params import ChainParams
from devnet.trc20 import (
    ENERGY_APPROVE_EXISTING,
    ENERGY_APPROVE_NEW,
    ENERGY_TRANSFER_TO_EMPTY,
    ENERGY_TRANSFER_TO_HOLDER,
    Trc20Token,
)

TOKEN = bytes.fromhex("41a614f803b6fd780986a42c78ec9c7f77e6ded13c")
ISSUER = b"\x41" + b"\x11" * 20
ALICE = b"\x41" + b"\x22" * 20
BOB = b"\x41" + b"\x33" * 20
ZERO = b"\x41" + bytes(20)
SUPPLY = 1_000_000_000 * 10**6


def make_token() -> Trc20Token:
    return Trc20Token(
        address=TOKEN,
        name="Tether USD",
        symbol="USDT",
        decimals=6,
        issuer=ISSUER,
        total_supply=SUPPLY,
    )


def call(name: str, types: list[str], args: list[object]) -> bytes:
    signature = f"{name}({','.join(types)})"
    return abi.selector(signature) + trx_abi.encode(types, args)


def addr(a: bytes) -> str:
    """tronpy's ABI codec takes base58 or hex with 41."""
    return a.hex()


def transfer(token: Trc20Token, caller: bytes, to: bytes, amount: int):
    return token.execute(
        caller=caller,
        data=call("transfer", ["address", "uint256"], [addr(to), amount]),
        call_value=0,
    )


def test_selectors_are_the_standard_ones() -> None:
    assert abi.selector("transfer(address,uint256)").hex() == "a9059cbb"
    assert abi.selector("balanceOf(address)").hex() == "70a08231"
    assert abi.selector("approve(address,uint256)").hex() == "095ea7b3"
    assert abi.selector("transferFrom(address,address,uint256)").hex() == "23b872dd"
    assert abi.event_topic("Transfer(address,address,uint256)").hex() == (
        "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    )


def test_views_return_abi_encoded_values() -> None:
    token = make_token()
    name = token.execute(caller=ALICE, data=call("name", [], []), call_value=0)
    assert name.success and trx_abi.decode(["string"], name.return_data) == ("Tether USD",)
    symbol = token.execute(caller=ALICE, data=call("symbol", [], []), call_value=0)
    assert trx_abi.decode(["string"], symbol.return_data) == ("USDT",)
    decimals = token.execute(caller=ALICE, data=call("decimals", [], []), call_value=0)
    assert trx_abi.decode(["uint8"], decimals.return_data) == (6,)
    supply = token.execute(caller=ALICE, data=call("totalSupply", [], []), call_value=0)
    assert trx_abi.decode(["uint256"], supply.return_data) == (SUPPLY,)
    balance = token.execute(
        caller=ALICE, data=call("balanceOf", ["address"], [addr(ISSUER)]), call_value=0
    )
    assert trx_abi.decode(["uint256"], balance.return_data) == (SUPPLY,)
    assert 0 < balance.energy_used < 1_000 and balance.logs == ()


def test_transfer_moves_balance_only_when_applied_and_logs_transfer() -> None:
    token = make_token()
    result = transfer(token, ISSUER, ALICE, 5_000_000)
    assert result.success
    assert trx_abi.decode(["bool"], result.return_data) == (True,)
    assert token.balance_of(ALICE) == 0  # execute never mutates
    result.apply()
    assert token.balance_of(ALICE) == 5_000_000
    assert token.balance_of(ISSUER) == SUPPLY - 5_000_000
    (log,) = result.logs
    assert log.address == TOKEN[1:]
    assert log.topics[0] == abi.event_topic("Transfer(address,address,uint256)")
    assert log.topics[1] == bytes(12) + ISSUER[1:]
    assert log.topics[2] == bytes(12) + ALICE[1:]
    assert int.from_bytes(log.data, "big") == 5_000_000


def test_transfer_to_an_empty_holder_costs_about_twice_an_existing_one() -> None:
    token = make_token()
    first = transfer(token, ISSUER, ALICE, 1)
    first.apply()
    second = transfer(token, ISSUER, ALICE, 1)
    assert first.energy_used == ENERGY_TRANSFER_TO_EMPTY
    assert second.energy_used == ENERGY_TRANSFER_TO_HOLDER
    # mainnet's USDT: ~130,285 to an empty holder, ~64,285 to an existing one (1 % tolerance)
    assert abs(first.energy_used - 130_285) * 100 <= 130_285
    assert abs(second.energy_used - 64_285) * 100 <= 64_285


def test_transfer_over_balance_reverts_with_error_string_and_changes_nothing() -> None:
    token = make_token()
    result = transfer(token, ALICE, BOB, 1)
    assert not result.success
    assert abi.decode_error(result.return_data) == "ERC20: transfer amount exceeds balance"
    assert result.logs == ()
    result.apply()
    assert token.balance_of(BOB) == 0


def test_transfer_to_zero_address_reverts() -> None:
    result = transfer(make_token(), ISSUER, ZERO, 1)
    assert not result.success
    assert abi.decode_error(result.return_data) == "ERC20: transfer to the zero address"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xa9\x05",
        abi.selector("transfer(address,uint256)") + b"\x00" * 40,
        abi.selector("mint(uint256)") + bytes(32),
        abi.selector("balanceOf(address)") + b"\xff" * 32,
    ],
    ids=["empty", "short-selector", "short-args", "unknown-selector", "dirty-address"],
)
def test_bad_calldata_reverts(data: bytes) -> None:
    result = make_token().execute(caller=ISSUER, data=data, call_value=0)
    assert not result.success
    assert abi.decode_error(result.return_data)
    assert result.energy_used > 0


def test_address_word_with_tron_prefix_is_accepted() -> None:
    data = abi.selector("balanceOf(address)") + bytes(11) + ISSUER
    result = make_token().execute(caller=ALICE, data=data, call_value=0)
    assert int.from_bytes(result.return_data, "big") == SUPPLY


def test_call_value_to_non_payable_function_reverts() -> None:
    token = make_token()
    data = call("transfer", ["address", "uint256"], [addr(ALICE), 1])
    result = token.execute(caller=ISSUER, data=data, call_value=1)
    assert not result.success
    assert abi.decode_error(result.return_data) == "function is not payable"


def test_approve_and_transfer_from_spend_the_allowance() -> None:
    token = make_token()
    approve = token.execute(
        caller=ISSUER,
        data=call("approve", ["address", "uint256"], [addr(ALICE), 10]),
        call_value=0,
    )
    assert approve.energy_used == ENERGY_APPROVE_NEW
    approve.apply()
    (log,) = approve.logs
    assert log.topics[0] == abi.event_topic("Approval(address,address,uint256)")
    again = token.execute(
        caller=ISSUER,
        data=call("approve", ["address", "uint256"], [addr(ALICE), 10]),
        call_value=0,
    )
    assert again.energy_used == ENERGY_APPROVE_EXISTING

    data = call("transferFrom", ["address", "address", "uint256"], [addr(ISSUER), addr(BOB), 7])
    moved = token.execute(caller=ALICE, data=data, call_value=0)
    assert moved.success
    moved.apply()
    assert token.balance_of(BOB) == 7
    assert token.allowance(ISSUER, ALICE) == 3
    (log,) = moved.logs
    assert log.topics[1] == bytes(12) + ISSUER[1:]  # `from` is the owner, not the spender

    too_much = token.execute(
        caller=ALICE,
        data=call("transferFrom", ["address", "address", "uint256"], [addr(ISSUER), addr(BOB), 4]),
        call_value=0,
    )
    assert not too_much.success
    assert abi.decode_error(too_much.return_data) == "ERC20: insufficient allowance"


def test_stale_result_refuses_to_apply() -> None:
    token = make_token()
    first = transfer(token, ISSUER, ALICE, SUPPLY)
    second = transfer(token, ISSUER, BOB, SUPPLY)
    first.apply()
    with pytest.raises(RuntimeError):
        second.apply()
    assert token.balance_of(BOB) == 0


def test_state_round_trips_through_json() -> None:
    token = make_token()
    transfer(token, ISSUER, ALICE, 123).apply()
    token.execute(
        caller=ALICE, data=call("approve", ["address", "uint256"], [addr(BOB), 9]), call_value=0
    ).apply()
    restored = Trc20Token.from_state(json.loads(json.dumps(token.to_state())))
    assert restored.to_state() == token.to_state()
    assert restored.balance_of(ALICE) == 123
    assert restored.allowance(ALICE, BOB) == 9


def test_abi_is_accepted_by_tronpy_contract() -> None:
    token = make_token()
    contract = Contract(addr=TOKEN.hex(), abi=token.abi(), client=None)
    assert contract.functions.balanceOf.function_signature == "balanceOf(address)"
    assert contract.functions.transfer.function_signature == "transfer(address,uint256)"
    parameter = contract.functions.transfer._prepare_parameter(ALICE.hex(), 5)
    assert (
        bytes.fromhex(parameter) == call("transfer", ["address", "uint256"], [addr(ALICE), 5])[4:]
    )
    (log,) = transfer(token, ISSUER, ALICE, 5).logs
    event = contract.events.Transfer.get_event_data(
        {
            "address": log.address.hex(),
            "topics": [t.hex() for t in log.topics],
            "data": log.data.hex(),
        }
    )
    assert event["args"]["value"] == 5
    assert event["args"]["to"] == "TD5gsCwxykWsLN9aPrq2TAfNjByuZKYp4E"  # base58 of ALICE
    for entry in token.abi():
        if entry["type"] == "Function":
            assert entry["stateMutability"] in ("View", "Nonpayable")


def test_contract_info_is_stable_and_hex() -> None:
    info = make_token().contract_info()
    assert info == make_token().contract_info()
    assert info["origin_address"] == ISSUER.hex()
    assert info["contract_address"] == TOKEN.hex()
    assert len(info["code_hash"]) == 64
    bytes.fromhex(info["bytecode"])


def test_chain_parameters_have_real_keys_and_omit_zero_values() -> None:
    params = ChainParams(energy_fee_sun=210, unfreeze_delay_ms=60_000)
    entries = {e["key"]: e.get("value") for e in params.chain_parameters()}
    assert entries["getEnergyFee"] == 210
    assert entries["getTransactionFee"] == 1_000
    assert entries["getCreateAccountFee"] == 100_000
    assert entries["getCreateNewAccountFeeInSystemContract"] == 1_000_000
    assert entries["getFreeNetLimit"] == 600
    assert entries["getTotalEnergyLimit"] == 180_000_000_000
    assert entries["getTotalNetLimit"] == 43_200_000_000
    assert entries["getMaxFeeLimit"] == 15_000_000_000
    assert entries["getUnfreezeDelayDays"] is None  # a 1-minute delay is 0 whole days
    assert ChainParams().unfreeze_delay_days == 14
    assert all(e.get("value", 1) != 0 for e in params.chain_parameters())


def test_chain_params_reject_negative_values() -> None:
    with pytest.raises(ValueError):
        ChainParams(energy_fee_sun=-1)
