"""TRX transfers, accounts and blocks through the unmodified tronpy 0.6.2 client."""

from __future__ import annotations

import pytest
import tronpy
from tronpy.exceptions import AddressNotFound, BlockNotFound

from devnet.genesis import GENESIS_BALANCE_SUN
from devnet.testing import RunningDevnet
from tests.devnet.conftest import call, key_of

NEW_ADDRESS = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"


def test_transfer_is_built_signed_broadcast_and_included(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    sender, receiver = chain.accounts[1], chain.accounts[2]
    txn = client.trx.transfer(sender.address, receiver.address, 2_500_000).build()
    receipt = txn.sign(key_of(sender)).broadcast()
    assert receipt["result"] is True
    assert client.get_account_balance(receiver.address) * 1_000_000 == (
        GENESIS_BALANCE_SUN + 2_500_000
    )
    chain.mine()
    info = receipt.wait()
    assert info["id"] == txn.txid
    assert info["blockNumber"] == 1
    assert info["receipt"]["net_usage"] > 0  # paid from the free daily bandwidth
    assert "fee" not in info
    tx = client.get_transaction(txn.txid)
    assert tx["ret"] == [{"contractRet": "SUCCESS"}]
    assert tx["raw_data"]["contract"][0]["parameter"]["value"] == {
        "owner_address": sender.address,
        "to_address": receiver.address,
        "amount": 2_500_000,
    }


def test_transfer_to_a_new_address_creates_the_account_and_charges_the_activation_fee(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    sender = chain.accounts[1]
    with pytest.raises(AddressNotFound):
        client.get_account(NEW_ADDRESS)
    receipt = (
        client.trx.transfer(sender.address, NEW_ADDRESS, 1_000_000)
        .build()
        .sign(key_of(sender))
        .broadcast()
    )
    chain.mine()
    info = receipt.wait()
    # 1 TRX CreateNewAccountFeeInSystemContract + 0.1 TRX create-account bandwidth fee
    assert info["fee"] == 1_100_000
    assert client.get_account(NEW_ADDRESS)["balance"] == 1_000_000
    sender_balance = client.get_account(sender.address)["balance"]
    assert sender_balance == GENESIS_BALANCE_SUN - 1_000_000 - 1_100_000


def test_blocks_are_served_by_number_id_and_as_latest(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    chain.mine(3)
    latest = client.get_latest_block()
    assert latest["block_header"]["raw_data"]["number"] == 3
    by_number = client.get_block(2)
    assert client.get_block(by_number["blockID"]) == by_number
    assert by_number["block_header"]["raw_data"]["parentHash"] == client.get_block(1)["blockID"]
    assert client.get_latest_block_number() == 3
    assert client.get_latest_solid_block_number() == 3
    with pytest.raises(BlockNotFound):
        client.get_block(99)


def test_block_json_follows_the_tron_shape(chain: RunningDevnet) -> None:
    sender = chain.accounts[0]
    call(chain, "devnet/faucet", {"address": sender.address, "trx": 1})
    chain.mine()
    empty = call(chain, "wallet/getblockbynum", {"num": 0})
    assert "transactions" not in empty
    assert empty["block_header"]["raw_data"]["number"] == 0  # TronWeb reads it at genesis
    block = call(chain, "wallet/getblockbynum", {"num": 1})
    assert block["blockID"][:16] == "0000000000000001"
    header = block["block_header"]["raw_data"]
    assert header["witness_address"].startswith("41")
    assert len(block["block_header"]["witness_signature"]) == 130
    (tx,) = block["transactions"]
    assert tx["ret"] == [{"contractRet": "SUCCESS"}]
    assert set(tx) == {"ret", "signature", "txID", "raw_data", "raw_data_hex"}
    infos = call(chain, "wallet/gettransactioninfobyblocknum", {"num": 1})
    assert [info["id"] for info in infos] == [tx["txID"]]
    assert call(chain, "wallet/gettransactioninfobyblocknum", {"num": 0}) == []


def test_block_range_and_getblock_detail(chain: RunningDevnet) -> None:
    chain.mine(5)
    blocks = call(chain, "wallet/getblockbylimitnext", {"startNum": 1, "endNum": 4})["block"]
    assert [b["block_header"]["raw_data"]["number"] for b in blocks] == [1, 2, 3]
    head = call(chain, "wallet/getblock", {"detail": False})
    assert head["block_header"]["raw_data"]["number"] == 5
    by_get = call(chain, "wallet/getblock?id_or_num=2&detail=true")
    assert by_get["block_header"]["raw_data"]["number"] == 2


def test_get_requests_with_query_parameters_work_like_posts(chain: RunningDevnet) -> None:
    import requests

    response = requests.get(f"{chain.url}/wallet/getnowblock", timeout=5)
    assert response.status_code == 200
    assert response.json()["blockID"]
    contract = requests.get(
        f"{chain.url}/wallet/getcontract",
        params={"value": "41" + _hex(chain.token_address)},
        timeout=5,
    ).json()
    assert contract["contract_address"] == "41" + _hex(chain.token_address)


def _hex(base58_address: str) -> str:
    from devnet.addresses import parse

    return parse(base58_address).hex()[2:]


def test_node_info_reports_head_and_solid_blocks(chain: RunningDevnet) -> None:
    chain.mine(2)
    info = call(chain, "wallet/getnodeinfo")
    head = chain.node.head
    assert info["block"] == f"Num:2,ID:{head.id_hex}"
    assert info["solidityBlock"] == info["block"]
    assert info["configNodeInfo"]["codeVersion"]


def test_chain_parameters_are_listed(client: tronpy.Tron) -> None:
    parameters = {p["key"]: p.get("value", 0) for p in client.get_chain_parameters()}
    assert parameters["getEnergyFee"] == 100
    assert parameters["getTransactionFee"] == 1_000


def test_account_shows_permissions_for_signing(chain: RunningDevnet, client: tronpy.Tron) -> None:
    account = client.get_account(chain.accounts[3].address)
    assert account["address"] == chain.accounts[3].address
    assert account["balance"] == GENESIS_BALANCE_SUN
    assert account["owner_permission"]["keys"] == [
        {"address": chain.accounts[3].address, "weight": 1}
    ]
    assert client.get_bandwidth(chain.accounts[3].address) == 600
