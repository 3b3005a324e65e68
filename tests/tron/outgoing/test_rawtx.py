"""Our serializer of ``Transaction.raw`` against the devnet's independent one (which the
devnet's tronpy and TronWeb conformance tests hold to the real clients)."""

from __future__ import annotations

from typing import Any

import pytest

from devnet.txcodec import parse_raw_data
from lucid_payments.tron.adapter import rawtx

OWNER = "41" + "11" * 20
OTHER = "41" + "22" * 20
HEADER = {
    "ref_block_bytes": "abcd",
    "ref_block_hash": "0011223344556677",
    "expiration": 1_700_000_060_000,
    "timestamp": 1_700_000_000_000,
}


def _raw(contract_type: str, value: dict[str, Any], **extra: Any) -> dict[str, Any]:
    contract = {"type": contract_type, "parameter": {"value": {"owner_address": OWNER, **value}}}
    return {"contract": [contract], **HEADER, **extra}


CASES = [
    _raw("TransferContract", {"to_address": OTHER, "amount": 1}),
    _raw("TransferContract", {"to_address": OTHER, "amount": 2**62}, data="6d656d6f"),
    _raw(
        "TriggerSmartContract",
        {"contract_address": OTHER, "data": "a9059cbb" + "00" * 64},
        fee_limit=100_000_000,
    ),
    _raw("TriggerSmartContract", {"contract_address": OTHER, "data": "", "call_value": 0}),
    _raw("FreezeBalanceV2Contract", {"frozen_balance": 5_000_000, "resource": "ENERGY"}),
    _raw("UnfreezeBalanceV2Contract", {"unfreeze_balance": 1, "resource": "BANDWIDTH"}),
    _raw(
        "DelegateResourceContract",
        {
            "receiver_address": OTHER,
            "balance": 10**6,
            "resource": "ENERGY",
            "lock": True,
            "lock_period": 86_400,
        },
    ),
    _raw("UnDelegateResourceContract", {"receiver_address": OTHER, "balance": 10**6}),
    _raw("VoteWitnessContract", {"votes": [{"vote_address": OTHER, "vote_count": 3}]}),
    _raw("WithdrawBalanceContract", {}),
    _raw("WithdrawExpireUnfreezeContract", {}),
    _raw("CancelAllUnfreezeV2Contract", {}),
]


@pytest.mark.parametrize("raw_data", CASES, ids=lambda r: r["contract"][0]["type"])
def test_bytes_and_txid_match_the_devnet_codec(raw_data: dict[str, Any]) -> None:
    ours = rawtx.encode_raw_data(raw_data)
    theirs = parse_raw_data(raw_data)
    assert ours == theirs.raw_bytes
    summary = rawtx.read_raw(ours)
    assert summary.txid == theirs.txid
    assert summary.owner_address_hex == OWNER
    assert summary.contract_type == raw_data["contract"][0]["type"]
    assert (summary.expiration_ms, summary.timestamp_ms) == (
        HEADER["expiration"],
        HEADER["timestamp"],
    )
    assert (summary.ref_block_bytes, summary.ref_block_hash) == ("abcd", "0011223344556677")


def test_unsupported_contract_type_is_refused() -> None:
    with pytest.raises(rawtx.UnsupportedContract):
        rawtx.encode_raw_data(_raw("AccountPermissionUpdateContract", {}))


def test_unknown_field_is_refused_rather_than_silently_dropped() -> None:
    with pytest.raises(rawtx.RawTransactionError, match="unknown fields"):
        rawtx.encode_raw_data(_raw("TransferContract", {"to_address": OTHER, "memo": "x"}))


@pytest.mark.parametrize("garbage", [b"\xff", b"\x0a\x05ab", b"\x5a\x00"])
def test_truncated_or_empty_bytes_do_not_parse(garbage: bytes) -> None:
    with pytest.raises(rawtx.RawTransactionError):
        rawtx.read_raw(garbage)


@pytest.mark.parametrize(
    ("where", "value"),
    [("amount", -(2**70)), ("amount", 2**63), ("expiration", -(2**63) - 1)],
)
def test_integers_beyond_int64_are_refused_not_wrapped(where: str, value: int) -> None:
    # A negative beyond int64 once sent the varint writer into an endless loop.
    raw = _raw("TransferContract", {"to_address": OTHER, "amount": 1})
    if where == "amount":
        raw["contract"][0]["parameter"]["value"]["amount"] = value
    else:
        raw[where] = value
    with pytest.raises(rawtx.RawTransactionError, match="int64"):
        rawtx.encode_raw_data(raw)


def test_the_int64_limits_themselves_serialize() -> None:
    for amount in (2**63 - 1, -(2**63)):
        raw = _raw("TransferContract", {"to_address": OTHER, "amount": amount})
        assert rawtx.encode_raw_data(raw) == parse_raw_data(raw).raw_bytes


@pytest.mark.parametrize(
    "shape",
    ["raw_data_key", "contract_key", "parameter_key", "value_not_object", "votes_not_list"],
)
def test_keys_the_node_would_read_but_we_would_skip_are_refused(shape: str) -> None:
    raw = _raw("TransferContract", {"to_address": OTHER, "amount": 1})
    contract = raw["contract"][0]
    if shape == "raw_data_key":
        raw["auths"] = [{"account": {"address": OWNER}}]
    elif shape == "contract_key":
        contract["provider"] = "00"
    elif shape == "parameter_key":
        contract["parameter"]["extra"] = 1
    elif shape == "value_not_object":
        contract["parameter"]["value"] = "x"
    else:
        raw = _raw("VoteWitnessContract", {"votes": "x"})
    with pytest.raises(rawtx.RawTransactionError):
        rawtx.encode_raw_data(raw)
