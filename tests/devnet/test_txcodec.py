"""The txID the node computes equals the one tronpy computes, for every contract type tronpy
builds; the bytes are checked against google.protobuf as an independent encoder."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import tronpy
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
from tronpy.proto import calculate_txid_from_raw_data

from devnet.testing import RunningDevnet
from devnet.txcodec import TransactionFormatError, parse_raw_data

A = "41" + "11" * 20
B = "41" + "22" * 20

REFERENCE = {
    "ref_block_bytes": "1a2b",
    "ref_block_hash": "0011223344556677",
    "expiration": 1_700_000_060_000,
    "timestamp": 1_700_000_000_000,
}

# Messages from java-tron's core/contract/*.proto, described here for google.protobuf.
_T = descriptor_pb2.FieldDescriptorProto
_MESSAGES: dict[str, list[tuple[str, int, int]]] = {
    "FreezeBalanceV2Contract": [
        ("owner_address", 1, _T.TYPE_BYTES),
        ("frozen_balance", 2, _T.TYPE_INT64),
        ("resource", 3, _T.TYPE_INT32),
    ],
    "UnfreezeBalanceV2Contract": [
        ("owner_address", 1, _T.TYPE_BYTES),
        ("unfreeze_balance", 2, _T.TYPE_INT64),
        ("resource", 3, _T.TYPE_INT32),
    ],
    "WithdrawExpireUnfreezeContract": [("owner_address", 1, _T.TYPE_BYTES)],
    "CancelAllUnfreezeV2Contract": [("owner_address", 1, _T.TYPE_BYTES)],
    "WithdrawBalanceContract": [("owner_address", 1, _T.TYPE_BYTES)],
    "DelegateResourceContract": [
        ("owner_address", 1, _T.TYPE_BYTES),
        ("resource", 2, _T.TYPE_INT32),
        ("balance", 3, _T.TYPE_INT64),
        ("receiver_address", 4, _T.TYPE_BYTES),
        ("lock", 5, _T.TYPE_BOOL),
        ("lock_period", 6, _T.TYPE_INT64),
    ],
    "UnDelegateResourceContract": [
        ("owner_address", 1, _T.TYPE_BYTES),
        ("resource", 2, _T.TYPE_INT32),
        ("balance", 3, _T.TYPE_INT64),
        ("receiver_address", 4, _T.TYPE_BYTES),
    ],
    "Vote": [("vote_address", 1, _T.TYPE_BYTES), ("vote_count", 2, _T.TYPE_INT64)],
    "VoteWitnessContract": [("owner_address", 1, _T.TYPE_BYTES), ("support", 3, _T.TYPE_BOOL)],
    "Contract": [("type", 1, _T.TYPE_INT32), ("Permission_id", 5, _T.TYPE_INT32)],
    "Raw": [
        ("ref_block_bytes", 1, _T.TYPE_BYTES),
        ("ref_block_hash", 4, _T.TYPE_BYTES),
        ("expiration", 8, _T.TYPE_INT64),
        ("data", 10, _T.TYPE_BYTES),
        ("timestamp", 14, _T.TYPE_INT64),
        ("fee_limit", 18, _T.TYPE_INT64),
    ],
}
_TYPES = {
    "FreezeBalanceV2Contract": 54,
    "UnfreezeBalanceV2Contract": 55,
    "WithdrawExpireUnfreezeContract": 56,
    "DelegateResourceContract": 57,
    "UnDelegateResourceContract": 58,
    "CancelAllUnfreezeV2Contract": 59,
    "VoteWitnessContract": 4,
    "WithdrawBalanceContract": 13,
}
_RESOURCES = {"BANDWIDTH": 0, "ENERGY": 1}


def _classes() -> dict[str, Any]:
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(any_pb2.DESCRIPTOR.serialized_pb)
    file = descriptor_pb2.FileDescriptorProto(
        name="devnet_check.proto",
        package="check",
        syntax="proto3",
        dependency=["google/protobuf/any.proto"],
    )
    for name, fields in _MESSAGES.items():
        message = file.message_type.add(name=name)
        for field_name, number, kind in fields:
            message.field.add(name=field_name, number=number, type=kind, label=_T.LABEL_OPTIONAL)
    by_name = {m.name: m for m in file.message_type}
    by_name["VoteWitnessContract"].field.add(
        name="votes",
        number=2,
        type=_T.TYPE_MESSAGE,
        type_name=".check.Vote",
        label=_T.LABEL_REPEATED,
    )
    by_name["Contract"].field.add(
        name="parameter",
        number=2,
        type=_T.TYPE_MESSAGE,
        type_name=".google.protobuf.Any",
        label=_T.LABEL_OPTIONAL,
    )
    by_name["Raw"].field.add(
        name="contract",
        number=11,
        type=_T.TYPE_MESSAGE,
        type_name=".check.Contract",
        label=_T.LABEL_REPEATED,
    )
    pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"check.{name}"))
        for name in _MESSAGES
    }


CLASSES = _classes()


def _independent_txid(raw: dict[str, Any]) -> str:
    (contract,) = raw["contract"]
    type_name = contract["type"]
    value = contract["parameter"]["value"]
    fields: dict[str, Any] = {}
    for key, item in value.items():
        if key == "votes":
            fields["votes"] = [
                CLASSES["Vote"](
                    vote_address=bytes.fromhex(v["vote_address"]), vote_count=v["vote_count"]
                )
                for v in item
            ]
        elif key == "resource":
            fields[key] = _RESOURCES[item]
        elif key.endswith("address"):
            fields[key] = bytes.fromhex(item)
        else:
            fields[key] = item
    body = CLASSES[type_name](**fields).SerializeToString()
    wrapped = CLASSES["Contract"](
        type=_TYPES[type_name],
        parameter={"type_url": contract["parameter"]["type_url"], "value": body},
    )
    message = CLASSES["Raw"](
        ref_block_bytes=bytes.fromhex(raw["ref_block_bytes"]),
        ref_block_hash=bytes.fromhex(raw["ref_block_hash"]),
        expiration=raw["expiration"],
        timestamp=raw["timestamp"],
        contract=[wrapped],
    )
    return hashlib.sha256(message.SerializeToString()).hexdigest()


def _builder_raw(builder: Any) -> dict[str, Any]:
    raw = dict(builder._raw_data)
    raw.update(REFERENCE)
    return raw


@pytest.fixture
def offline() -> tronpy.Tron:
    """A client whose builders are only used for their raw_data (no requests are made)."""
    return tronpy.Tron(provider=tronpy.providers.HTTPProvider("http://127.0.0.1:9"))


def test_transfer_txid_matches_tronpy(offline: tronpy.Tron) -> None:
    raw = _builder_raw(offline.trx.transfer(A, B, 1_234_567))
    assert parse_raw_data(raw).txid == calculate_txid_from_raw_data(raw)


def test_trigger_smart_contract_txid_matches_tronpy(chain: RunningDevnet) -> None:
    client = tronpy.Tron(provider=tronpy.providers.HTTPProvider(chain.url))
    token = client.get_contract(chain.token_address)
    builder = (
        token.functions.transfer(chain.accounts[1].address, 77)
        .with_owner(chain.accounts[0].address)
        .fee_limit(30_000_000)
    )
    raw = _builder_raw(builder)
    assert raw["fee_limit"] == 30_000_000
    assert parse_raw_data(raw).txid == calculate_txid_from_raw_data(raw)
    built = builder.build()  # the txid tronpy gets back from the node's getsignweight
    assert built.txid == calculate_txid_from_raw_data(built._raw_data)


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t.trx.freeze_balance(A, 5_000_000, "ENERGY"),
        lambda t: t.trx.freeze_balance(A, 5_000_000, "BANDWIDTH"),
        lambda t: t.trx.unfreeze_balance(A, "ENERGY", unfreeze_balance=1_000_000),
        lambda t: t.trx.withdraw_stake_balance(A),
        lambda t: t.trx.delegate_resource(A, B, 2_000_000, "ENERGY", lock=True, lock_period=30),
        lambda t: t.trx.delegate_resource(A, B, 2_000_000),
        lambda t: t.trx.undelegate_resource(A, B, 2_000_000, "ENERGY"),
        lambda t: t.trx.vote_witness(A, (B, 3), ("41" + "33" * 20, 1)),
        lambda t: t.trx.withdraw_rewards(A),
    ],
)
def test_staking_txids_match_an_independent_protobuf_encoding(
    offline: tronpy.Tron, make: Any
) -> None:
    raw = _builder_raw(make(offline))
    assert parse_raw_data(raw).txid == _independent_txid(raw)


def test_memo_and_permission_id_are_serialized() -> None:
    raw = {
        **REFERENCE,
        "data": "68656c6c6f",
        "contract": [
            {
                "type": "TransferContract",
                "Permission_id": 2,
                "parameter": {
                    "type_url": "type.googleapis.com/protocol.TransferContract",
                    "value": {"owner_address": A, "to_address": B, "amount": 1},
                },
            }
        ],
    }
    parsed = parse_raw_data(raw)
    assert b"hello" in parsed.raw_bytes
    assert parsed.raw_data["data"] == "68656c6c6f"
    assert parsed.txid != parse_raw_data({**raw, "data": ""}).txid


def test_addresses_in_either_form_give_the_same_id(offline: tronpy.Tron) -> None:
    hex_form = _builder_raw(offline.trx.transfer(A, B, 5))
    visible = _builder_raw(offline.trx.transfer(A, B, 5))
    visible["contract"][0]["parameter"]["value"] = {
        "owner_address": offline.to_base58check_address(A),
        "to_address": offline.to_base58check_address(B),
        "amount": 5,
    }
    assert parse_raw_data(hex_form).txid == parse_raw_data(visible).txid


@pytest.mark.parametrize(
    "broken",
    [
        None,
        {"contract": "x"},
        {
            "contract": [
                {"type": "TransferContract", "parameter": {"value": {"owner_address": "z"}}}
            ]
        },
        {"contract": [{"type": "TransferContract", "parameter": {"value": {"bogus": 1}}}]},
        {
            "contract": [
                {"type": "FreezeBalanceV2Contract", "parameter": {"value": {"resource": "GOLD"}}}
            ]
        },
        {
            "contract": [{"type": "TransferContract", "parameter": {"value": {}}}],
            "expiration": 2**70,
        },
    ],
)
def test_malformed_raw_data_is_a_format_error(broken: Any) -> None:
    with pytest.raises(TransactionFormatError):
        parse_raw_data(broken)
