"""The /devnet/ control API: accounts, faucet, mining, snapshots, faults, forks, finality."""

from __future__ import annotations

import itertools

import pytest
import requests
import tronpy
from tronpy.exceptions import TransactionNotFound, UnknownError

from devnet import TOKEN_ADDRESS
from devnet.testing import RunningDevnet, running_devnet
from tests.devnet.conftest import call, key_of, post

NEW_ADDRESS = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"


def test_accounts_lists_genesis_keys_and_token(chain: RunningDevnet) -> None:
    body = requests.get(f"{chain.url}/devnet/accounts", timeout=5).json()
    assert body["token_address"] == TOKEN_ADDRESS == chain.token_address
    assert [a["address"] for a in body["accounts"]] == [a.address for a in chain.accounts]
    assert body["accounts"][0]["private_key"] == chain.accounts[0].private_key


def test_genesis_is_deterministic_per_seed_and_token_address_is_fixed() -> None:
    with running_devnet(seed=7) as first, running_devnet(seed=7) as second:
        assert first.accounts == second.accounts
    with running_devnet(seed=8) as other:
        assert other.accounts != first.accounts
        assert other.token_address == first.token_address


def test_faucet_sends_real_transactions_included_in_the_next_block(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    reply = call(chain, "devnet/faucet", {"address": NEW_ADDRESS, "trx": 3_000_000, "usdt": 42})
    txids = reply["txids"]
    with pytest.raises(TransactionNotFound):
        client.get_transaction_info(txids["trx"])
    chain.mine()
    assert client.get_transaction_info(txids["trx"])["blockNumber"] == 1
    assert client.get_transaction_info(txids["usdt"])["receipt"]["result"] == "SUCCESS"
    assert client.get_account(NEW_ADDRESS)["balance"] == 3_000_000
    token = client.get_contract(chain.token_address)
    assert token.functions.balanceOf(NEW_ADDRESS) == 42


def test_faucet_twice_with_the_same_request_makes_two_transactions(chain: RunningDevnet) -> None:
    first = call(chain, "devnet/faucet", {"address": NEW_ADDRESS, "trx": 1_000_000})
    second = call(chain, "devnet/faucet", {"address": NEW_ADDRESS, "trx": 1_000_000})
    assert first["txids"]["trx"] != second["txids"]["trx"]


def test_faucet_rejects_bad_input(chain: RunningDevnet) -> None:
    assert post(chain, "devnet/faucet", {"address": "nope", "trx": 1}).status_code == 400
    assert post(chain, "devnet/faucet", {"address": NEW_ADDRESS}).status_code == 400
    assert post(chain, "devnet/faucet", {"address": NEW_ADDRESS, "trx": -1}).status_code == 400


def test_mine_produces_blocks_three_seconds_apart_on_a_fixed_clock() -> None:
    with running_devnet(clock=lambda: 1_700_000_000.0) as chain:
        reply = call(chain, "devnet/mine", {"blocks": 3})
        assert reply["blocks"] == [1, 2, 3]
        times = [b.timestamp for b in chain.node.blocks]
        assert [b - a for a, b in itertools.pairwise(times)] == [3000, 3000, 3000]


def test_snapshot_and_revert_restore_balances_and_blocks(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    snapshot = call(chain, "devnet/snapshot")["id"]
    call(chain, "devnet/faucet", {"address": NEW_ADDRESS, "trx": 5_000_000, "usdt": 5})
    chain.mine(2)
    assert client.get_account(NEW_ADDRESS)["balance"] == 5_000_000
    reply = call(chain, "devnet/revert", {"id": snapshot})
    assert reply["head"]["number"] == 0
    assert call(chain, "wallet/getaccount", {"address": NEW_ADDRESS, "visible": True}) == {}
    token = client.get_contract(chain.token_address)
    assert token.functions.balanceOf(NEW_ADDRESS) == 0
    assert post(chain, "devnet/revert", {"id": 999}).status_code == 400


def test_dropped_broadcast_is_accepted_but_never_included(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    call(chain, "devnet/faults", {"drop_broadcasts": 1})
    sender = chain.accounts[1]
    lost = client.trx.transfer(sender.address, NEW_ADDRESS, 1_000_000).build()
    assert lost.sign(key_of(sender)).broadcast()["result"] is True
    chain.mine()
    with pytest.raises(TransactionNotFound):
        client.get_transaction_info(lost.txid)
    # re-broadcasting the same signed transaction works once the fault is used up
    assert lost.broadcast()["result"] is True
    chain.mine()
    assert client.get_transaction_info(lost.txid)["blockNumber"] == 2


def test_server_busy_answers_broadcasts_for_n_requests(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    call(chain, "devnet/faults", {"server_busy": {"requests": 1}})
    sender = chain.accounts[1]
    txn = client.trx.transfer(sender.address, NEW_ADDRESS, 1_000_000).build().sign(key_of(sender))
    with pytest.raises(UnknownError) as busy:
        txn.broadcast()
    assert busy.value.args[1] == "SERVER_BUSY"
    assert txn.broadcast()["result"] is True


def test_http_errors_for_n_requests_then_cleared(chain: RunningDevnet) -> None:
    call(chain, "devnet/faults", {"http_error": {"status": 503, "requests": 2}})
    assert post(chain, "wallet/getnowblock").status_code == 503
    assert requests.get(f"{chain.url}/devnet/accounts", timeout=5).status_code == 200
    assert post(chain, "wallet/getnowblock").status_code == 503
    assert post(chain, "wallet/getnowblock").status_code == 200
    call(chain, "devnet/faults", {"http_error": {"status": 429, "requests": 5}})
    assert post(chain, "wallet/getnodeinfo").status_code == 429
    assert requests.delete(f"{chain.url}/devnet/faults", timeout=5).status_code == 200
    assert post(chain, "wallet/getnodeinfo").status_code == 200


def test_http_errors_for_a_time_window_follow_the_node_clock() -> None:
    now = [1_700_000_000.0]
    with running_devnet(clock=lambda: now[0]) as chain:
        call(chain, "devnet/faults", {"http_error": {"status": 429, "seconds": 10}})
        assert post(chain, "wallet/getnowblock").status_code == 429
        now[0] += 11
        assert post(chain, "wallet/getnowblock").status_code == 200


def test_delay_fault_is_recorded_and_cleared(chain: RunningDevnet) -> None:
    reply = call(chain, "devnet/faults", {"delay_ms": 1})
    assert reply["delay_ms"] == 1
    assert post(chain, "wallet/getnowblock").status_code == 200
    assert post(chain, "devnet/faults", {"bogus": 1}).status_code == 400


def test_solidity_api_lags_the_head() -> None:
    with running_devnet(solid_lag=3) as chain:
        client = tronpy.Tron(provider=tronpy.providers.HTTPProvider(chain.url))
        sender = chain.accounts[1]
        receipt = (
            client.trx.transfer(sender.address, NEW_ADDRESS, 2_000_000)
            .build()
            .sign(key_of(sender))
            .broadcast()
        )
        chain.mine()
        assert client.get_transaction_info(receipt.txid)["blockNumber"] == 1
        with pytest.raises(TransactionNotFound):
            client.get_solid_transaction_info(receipt.txid)
        assert (
            call(chain, "walletsolidity/getaccount", {"address": NEW_ADDRESS, "visible": True})
            == {}
        )
        assert call(chain, "walletsolidity/getblockbynum", {"num": 1}) == {}
        chain.mine(2)
        assert client.get_latest_solid_block_number() == 0
        chain.mine(1)
        assert client.get_latest_solid_block_number() == 1
        assert client.get_solid_transaction_info(receipt.txid)["blockNumber"] == 1
        solid_account = call(
            chain, "walletsolidity/getaccount", {"address": NEW_ADDRESS, "visible": True}
        )
        assert solid_account["balance"] == 2_000_000
        now_block = call(chain, "walletsolidity/getnowblock")
        assert now_block["block_header"]["raw_data"]["number"] == 1


def test_fork_removes_unsolidified_blocks_and_their_transactions() -> None:
    with running_devnet(solid_lag=5) as chain:
        client = tronpy.Tron(provider=tronpy.providers.HTTPProvider(chain.url))
        sender = chain.accounts[1]
        chain.mine(3)
        receipt = (
            client.trx.transfer(sender.address, NEW_ADDRESS, 2_000_000)
            .build()
            .sign(key_of(sender))
            .broadcast()
        )
        chain.mine(2)
        assert client.get_transaction_info(receipt.txid)["blockNumber"] == 4
        old_head = chain.node.head.id_hex
        assert post(chain, "devnet/fork", {"blocks": 6}).status_code == 400  # crosses solid
        reply = call(chain, "devnet/fork", {"blocks": 2})
        assert reply["head"]["number"] == 3
        with pytest.raises(TransactionNotFound):
            client.get_transaction_info(receipt.txid)
        assert call(chain, "wallet/getaccount", {"address": NEW_ADDRESS, "visible": True}) == {}
        chain.mine(2)
        assert chain.node.head.number == 5
        assert chain.node.head.id_hex != old_head
        assert chain.node.find_pending(receipt.txid) is None
