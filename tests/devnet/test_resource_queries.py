"""Delegation reads and fee price history, through tronpy 0.6.2 and over raw HTTP, answered
as java-tron answers them: proto3 JSON (defaults omitted), base58 with visible, `{}` when
there is nothing to report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tronpy import Tron
from tronpy.keys import PrivateKey
from tronpy.providers import HTTPProvider

from devnet.accounts import AccountStore
from devnet.api_resources import delegation_bandwidth_estimate
from devnet.params import BLOCK_INTERVAL_MS, MS_PER_DAY, ChainParams
from devnet.stake import StakeEngine
from devnet.testing import DevnetAccount, RunningDevnet, running_devnet
from tests.devnet.conftest import call

TRX = 1_000_000
TOTAL_ENERGY_LIMIT = ChainParams().total_energy_limit


@pytest.fixture
def chain() -> Iterator[RunningDevnet]:
    # a one-day unfreeze delay keeps java-tron's "max delegate lock period" rule in force
    with running_devnet(unfreeze_delay_ms=MS_PER_DAY) as running:
        yield running


@pytest.fixture
def client(chain: RunningDevnet) -> Tron:
    return Tron(provider=HTTPProvider(chain.url, timeout=10))


def submit(chain: RunningDevnet, account: DevnetAccount, builder: Any) -> dict[str, Any]:
    """Build, sign, broadcast, mine; the transaction info of a successful transaction."""
    key = PrivateKey(bytes.fromhex(account.private_key))
    receipt = builder.build().sign(key).broadcast()
    chain.mine()
    info: dict[str, Any] = receipt.wait(timeout=10, interval=0.1)
    assert "result" not in info, info
    return info


def delegate(
    client: Tron,
    chain: RunningDevnet,
    owner: DevnetAccount,
    receiver: DevnetAccount,
    amount: int,
    **lock: Any,
) -> dict[str, Any]:
    return submit(
        chain,
        owner,
        client.trx.delegate_resource(owner.address, receiver.address, amount, "ENERGY", **lock),
    )


# ---- through tronpy --------------------------------------------------------------------
def test_an_account_without_delegations_reads_as_java_tron_reports_it(
    chain: RunningDevnet, client: Tron
) -> None:
    owner, receiver = chain.accounts[0], chain.accounts[1]
    assert client.get_delegated_resource_v2(owner.address, receiver.address) == {}
    assert client.get_can_delegated_max_size(owner.address) == {}
    assert client.get_can_delegated_max_size(owner.address, "BANDWIDTH") == {}
    assert client.get_delegated_resource_account_index_v2(owner.address) == {
        "account": owner.address
    }


def test_delegations_are_listed_unlocked_first_then_locked_with_their_expiry(
    chain: RunningDevnet, client: Tron
) -> None:
    owner, receiver = chain.accounts[0], chain.accounts[1]
    submit(chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY"))
    delegate(client, chain, owner, receiver, 10 * TRX)
    locked = delegate(client, chain, owner, receiver, 5 * TRX, lock=True, lock_period=100)

    assert client.get_delegated_resource_v2(owner.address, receiver.address) == {
        "delegatedResource": [
            {"from": owner.address, "to": receiver.address, "frozen_balance_for_energy": 10 * TRX},
            {
                "from": owner.address,
                "to": receiver.address,
                "frozen_balance_for_energy": 5 * TRX,
                "expire_time_for_energy": locked["blockTimeStamp"] + 100 * BLOCK_INTERVAL_MS,
            },
        ]
    }
    # the other direction holds nothing
    assert client.get_delegated_resource_v2(receiver.address, owner.address) == {}


def test_account_index_lists_partners_by_latest_delegation_and_forgets_emptied_pairs(
    chain: RunningDevnet, client: Tron
) -> None:
    owner, first, second = chain.accounts[0], chain.accounts[1], chain.accounts[2]
    submit(chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY"))
    delegate(client, chain, owner, first, 10 * TRX)
    delegate(client, chain, owner, second, 10 * TRX)
    assert client.get_delegated_resource_account_index_v2(owner.address) == {
        "account": owner.address,
        "toAccounts": [first.address, second.address],
    }
    delegate(client, chain, owner, first, 1 * TRX)  # the latest delegation moves it last
    assert client.get_delegated_resource_account_index_v2(owner.address)["toAccounts"] == [
        second.address,
        first.address,
    ]
    assert client.get_delegated_resource_account_index_v2(first.address) == {
        "account": first.address,
        "fromAccounts": [owner.address],
    }

    submit(
        chain,
        owner,
        client.trx.undelegate_resource(owner.address, first.address, 11 * TRX, "ENERGY"),
    )
    assert client.get_delegated_resource_account_index_v2(owner.address)["toAccounts"] == [
        second.address
    ]
    assert client.get_delegated_resource_account_index_v2(first.address) == {
        "account": first.address
    }
    assert client.get_delegated_resource_v2(owner.address, first.address) == {}


def test_can_delegated_max_size_is_the_stake_not_backing_used_energy(
    chain: RunningDevnet, client: Tron
) -> None:
    owner, receiver, holder = chain.accounts[0], chain.accounts[1], chain.accounts[3]
    submit(chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY"))
    delegate(client, chain, owner, receiver, 15 * TRX)
    assert client.get_can_delegated_max_size(owner.address) == {"max_size": 85 * TRX}

    token = client.get_contract(chain.token_address)
    transfer = token.functions.transfer(holder.address, 1).with_owner(owner.address)
    info = submit(chain, owner, transfer.fee_limit(50 * TRX))
    used = info["receipt"]["energy_usage"]
    assert used == info["receipt"]["energy_usage_total"]  # all from the stake, none burned
    # java-tron: frozen - used energy in SUN (usage x weight / network limit), floored
    backing = used * TRX * 100 // TOTAL_ENERGY_LIMIT
    assert backing > 0
    assert client.get_can_delegated_max_size(owner.address) == {"max_size": 85 * TRX - backing}


def test_can_delegated_max_size_for_bandwidth_reserves_a_delegation_transaction(
    chain: RunningDevnet, client: Tron
) -> None:
    owner = chain.accounts[0]
    # the freeze itself is paid from the free allowance, so no staked bandwidth is used yet
    submit(chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "BANDWIDTH"))
    # the reserved ~282 points are worth less than 1 SUN of a 100 TRX stake on this network
    assert client.get_can_delegated_max_size(owner.address, "BANDWIDTH") == {"max_size": 100 * TRX}
    assert client.get_can_delegated_max_size(owner.address, "ENERGY") == {}


def test_delegation_bandwidth_estimate_follows_java_tron() -> None:
    # 275 base + (balance 5 + lock 2 + lock_period 864000 4) - (1 TRX balance 4)
    assert delegation_bandwidth_estimate(ChainParams(), 100 * TRX) == 282
    # without a whole-day unfreeze delay java-tron leaves lock_period out of the estimate
    assert delegation_bandwidth_estimate(ChainParams(unfreeze_delay_ms=60_000), 100 * TRX) == 278
    # no stake: lock 2 + lock_period 4 bytes against the 1 TRX balance's 4
    assert delegation_bandwidth_estimate(ChainParams(), 0) == 277


def test_chain_parameters_and_price_history_agree(chain: RunningDevnet, client: Tron) -> None:
    parameters = {entry["key"]: entry.get("value", 0) for entry in client.get_chain_parameters()}
    assert parameters["getEnergyFee"] == 100
    assert parameters["getTransactionFee"] == 1_000
    assert call(chain, "wallet/getenergyprices") == {"prices": "0:100"}
    assert call(chain, "wallet/getbandwidthprices") == {"prices": "0:1000"}


# ---- over raw HTTP -----------------------------------------------------------------------
def test_hex_forms_without_visible_and_get_query_parameters(
    chain: RunningDevnet, client: Tron
) -> None:
    owner, receiver = chain.accounts[0], chain.accounts[1]
    submit(chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY"))
    delegate(client, chain, owner, receiver, 10 * TRX)

    body = {"fromAddress": owner.hex, "toAddress": receiver.hex}
    expected = {
        "delegatedResource": [
            {"from": owner.hex, "to": receiver.hex, "frozen_balance_for_energy": 10 * TRX}
        ]
    }
    assert call(chain, "wallet/getdelegatedresourcev2", body) == expected
    assert call(chain, "walletsolidity/getdelegatedresourcev2", body) == expected
    query = f"fromAddress={owner.hex}&toAddress={receiver.hex}"
    got = requests.get(f"{chain.url}/wallet/getdelegatedresourcev2?{query}", timeout=10)
    assert got.json() == expected

    assert call(chain, "wallet/getdelegatedresourceaccountindexv2", {"value": receiver.hex}) == {
        "account": receiver.hex,
        "fromAccounts": [owner.hex],
    }
    for path in ("wallet", "walletsolidity"):
        got = requests.get(
            f"{chain.url}/{path}/getcandelegatedmaxsize?owner_address={owner.hex}&type=1",
            timeout=10,
        )
        assert got.json() == {"max_size": 90 * TRX}
    # type 0 (BANDWIDTH) is the default; an unknown resource code has nothing to delegate
    assert call(chain, "wallet/getcandelegatedmaxsize", {"owner_address": owner.hex}) == {}
    body2 = {"owner_address": owner.hex, "type": 2}
    assert call(chain, "wallet/getcandelegatedmaxsize", body2) == {}


def test_missing_addresses_read_as_empty_and_bad_ones_as_java_errors(chain: RunningDevnet) -> None:
    assert call(chain, "wallet/getdelegatedresourcev2", {}) == {}
    assert call(chain, "wallet/getdelegatedresourceaccountindexv2", {}) == {}
    assert call(chain, "wallet/getcandelegatedmaxsize", {"type": 1}) == {}
    bad = call(chain, "wallet/getdelegatedresourcev2", {"fromAddress": "T123", "toAddress": ""})
    assert bad == {"Error": "class java.lang.IllegalArgumentException : Invalid address"}
    owner = chain.accounts[0].hex
    too_big = call(chain, "wallet/getcandelegatedmaxsize", {"owner_address": owner, "type": 2**31})
    assert too_big == {
        "Error": "class org.tron.core.services.http.JsonFormat$ParseException : Couldn't parse "
        "integer: Number out of range for 32-bit signed integer: 2147483648"
    }
    text = requests.get(
        f"{chain.url}/wallet/getcandelegatedmaxsize?owner_address={owner}&type=x", timeout=10
    ).json()
    assert text == {"Error": 'class java.lang.NumberFormatException : For input string: "x"'}


def test_price_endpoints_ignore_the_body_as_java_tron_does(chain: RunningDevnet) -> None:
    for path in ("wallet/getenergyprices", "walletsolidity/getbandwidthprices"):
        answer = requests.post(f"{chain.url}/{path}", data=b"{not json", timeout=10)
        assert answer.status_code == 200
        assert set(answer.json()) == {"prices"}


def test_delegation_index_survives_a_state_round_trip() -> None:
    ledger = AccountStore()
    alice, bob = b"\x41" + b"\xa1" * 20, b"\x41" + b"\xb0" * 20
    ledger.create(alice, now_ms=0, balance=100 * TRX)
    ledger.create(bob, now_ms=0, balance=0)
    engine = StakeEngine(ledger=ledger, params=ChainParams(), witnesses=[])
    engine.freeze(owner=alice, amount=10 * TRX, resource="ENERGY", now_ms=1)
    engine.delegate(
        owner=alice,
        receiver=bob,
        amount=TRX,
        resource="ENERGY",
        lock=False,
        lock_period=0,
        now_ms=7,
    )
    restored = StakeEngine(ledger=ledger, params=ChainParams(), witnesses=[])
    restored.load_state(json.loads(json.dumps(engine.to_state())))
    assert restored.to_state() == engine.to_state()
    assert restored.delegation_index(bob) == ([alice], [])
