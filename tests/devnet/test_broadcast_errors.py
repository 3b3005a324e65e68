"""Every refusal the devnet implements, as tronpy sees it and as raw HTTP shows it."""

from __future__ import annotations

import pytest
import requests
import tronpy
from tronpy.exceptions import (
    ApiError,
    BadSignature,
    TaposError,
    TransactionError,
    UnknownError,
    ValidationError,
)
from tronpy.keys import PrivateKey
from tronpy.tron import Transaction

from devnet.testing import RunningDevnet
from tests.devnet.conftest import call, key_of, post


def _signed_with(txn: Transaction, key: PrivateKey) -> Transaction:
    """Sign without tronpy's client-side checks (permission list, local expiry)."""
    txn._signature.append(key.sign_msg_hash(bytes.fromhex(txn.txid)).hex())
    return txn


def _transfer(chain: RunningDevnet, client: tronpy.Tron, amount: int = 1) -> Transaction:
    return client.trx.transfer(chain.accounts[1].address, chain.accounts[2].address, amount).build()


def test_signature_by_another_key_is_refused(chain: RunningDevnet, client: tronpy.Tron) -> None:
    txn = _signed_with(_transfer(chain, client), key_of(chain.accounts[3]))
    with pytest.raises(BadSignature, match="Validate signature error"):
        txn.broadcast()


def test_missing_signature_is_refused(chain: RunningDevnet, client: tronpy.Tron) -> None:
    with pytest.raises(BadSignature, match="miss sig"):
        _transfer(chain, client).broadcast()


def test_garbage_signature_is_refused(chain: RunningDevnet, client: tronpy.Tron) -> None:
    txn = _transfer(chain, client)
    txn._signature.append("zz" * 65)
    with pytest.raises(BadSignature):
        txn.broadcast()


def test_tronweb_style_signature_with_v_27_and_upper_hex_is_accepted(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    txn = _transfer(chain, client)
    signature = bytearray(
        bytes.fromhex(key_of(chain.accounts[1]).sign_msg_hash(bytes.fromhex(txn.txid)).hex())
    )
    signature[64] += 27
    txn._signature.append(bytes(signature).hex().upper())
    assert txn.broadcast()["result"] is True


def test_expired_transaction_is_refused(chain: RunningDevnet, client: tronpy.Tron) -> None:
    raw = dict(_transfer(chain, client)._raw_data)
    raw["expiration"] = chain.node.head.timestamp  # must be strictly after the head time
    txn = _signed_with(Transaction(raw, client=client), key_of(chain.accounts[1]))
    with pytest.raises(TransactionError, match="expired"):
        txn.broadcast()


def test_expiration_more_than_a_day_ahead_is_refused(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    raw = dict(_transfer(chain, client)._raw_data)
    raw["expiration"] = chain.node.head.timestamp + 86_400_001
    txn = _signed_with(Transaction(raw, client=client), key_of(chain.accounts[1]))
    with pytest.raises(TransactionError):
        txn.broadcast()


def test_duplicate_transaction_is_refused_before_and_after_inclusion(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    txn = _transfer(chain, client).sign(key_of(chain.accounts[1]))
    txn.broadcast()
    with pytest.raises(UnknownError) as pending_dup:
        txn.broadcast()
    assert pending_dup.value.args[1] == "DUP_TRANSACTION_ERROR"
    chain.mine()
    with pytest.raises(UnknownError, match="Dup transaction"):
        txn.broadcast()


def test_reference_to_an_unknown_block_fails_tapos(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    raw = dict(_transfer(chain, client)._raw_data)
    raw["ref_block_hash"] = "00" * 8
    txn = _signed_with(Transaction(raw, client=client), key_of(chain.accounts[1]))
    with pytest.raises(TaposError):
        txn.broadcast()


def test_insufficient_balance_is_a_contract_validate_error(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    txn = _transfer(chain, client, amount=10**18).sign(key_of(chain.accounts[1]))
    with pytest.raises(ValidationError, match="balance is not sufficient"):
        txn.broadcast()


def test_unfunded_owner_cannot_send(chain: RunningDevnet, client: tronpy.Tron) -> None:
    stranger = PrivateKey(bytes.fromhex("11" * 32))
    address = stranger.public_key.to_base58check_address()
    txn = client.trx.transfer(address, chain.accounts[0].address, 1).build()
    assert txn._permission is None  # getsignweight omits the permission of unknown owners
    with pytest.raises(ValidationError, match="no OwnerAccount"):
        txn.sign(stranger).broadcast()


def test_transfer_to_self_and_zero_amount_are_refused(
    chain: RunningDevnet, client: tronpy.Tron
) -> None:
    owner = chain.accounts[1]
    to_self = client.trx.transfer(owner.address, owner.address, 1).build().sign(key_of(owner))
    with pytest.raises(ValidationError, match="yourself"):
        to_self.broadcast()
    zero = client.trx.transfer(owner.address, chain.accounts[2].address, 0).build()
    with pytest.raises(ValidationError, match="greater than 0"):
        zero.sign(key_of(owner)).broadcast()


def test_call_to_an_unknown_contract_is_refused(chain: RunningDevnet, client: tronpy.Tron) -> None:
    with pytest.raises(ValidationError, match="No contract"):
        client.trigger_constant_contract(
            chain.accounts[0].address, chain.accounts[1].address, "balanceOf(address)", "00" * 32
        )
    built = call(
        chain,
        "wallet/triggersmartcontract",
        {
            "owner_address": chain.accounts[0].hex,
            "contract_address": chain.accounts[1].hex,
            "function_selector": "transfer(address,uint256)",
            "parameter": "00" * 64,
            "fee_limit": 10_000_000,
        },
    )
    assert built["result"]["code"] == "CONTRACT_VALIDATE_ERROR"
    assert bytes.fromhex(built["result"]["message"]).decode() == (
        "No contract or not a valid smart contract"
    )
    assert client.get_contract(chain.accounts[1].address).abi == []


def test_malformed_json_gets_a_java_style_error(chain: RunningDevnet) -> None:
    response = post(chain, "wallet/getaccount", data=b'{"address": ', headers={})
    assert response.status_code == 200
    assert response.json()["Error"].startswith("class com.alibaba.fastjson.JSONException")
    response = requests.post(f"{chain.url}/wallet/broadcasttransaction", data=b"[1,2]", timeout=5)
    assert "Error" in response.json()


def test_bad_addresses_get_a_java_style_error(chain: RunningDevnet) -> None:
    for bad in ["Tnotanaddress", "41zz", "", 42, "T" + "1" * 33]:
        body = call(chain, "wallet/getaccount", {"address": bad, "visible": True})
        assert body["Error"].startswith("class java.lang.IllegalArgumentException"), bad


def test_malformed_transactions_are_refused_without_crashing(chain: RunningDevnet) -> None:
    bad_bodies = [
        {},
        {"raw_data": "nope"},
        {"raw_data": {"contract": []}},
        {"raw_data": {"contract": [{"type": "NoSuchContract", "parameter": {"value": {}}}]}},
        {
            "raw_data": {
                "contract": [{"type": "TransferContract", "parameter": {"value": {"amount": "x"}}}]
            }
        },
    ]
    for body in bad_bodies:
        reply = call(chain, "wallet/broadcasttransaction", body)
        assert "Error" in reply, body
    assert call(chain, "wallet/getnowblock")["blockID"]  # still alive


def test_unknown_objects_are_empty(chain: RunningDevnet, client: tronpy.Tron) -> None:
    assert call(chain, "wallet/gettransactionbyid", {"value": "00" * 32}) == {}
    assert call(chain, "wallet/gettransactioninfobyid", {"value": "00" * 32}) == {}
    assert call(chain, "wallet/getblockbynum", {"num": 1000}) == {}
    with pytest.raises(ApiError):
        client.get_transaction("zz" * 32)
