"""The fast JSON text of blocks and receipts (devnet.render_text) is byte for byte what
json.dumps makes of the readable dict views (devnet.render), for every contract type, receipt
shape and JSON corner the node produces, in both address forms."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from devnet.blocks import Block, TxRecord
from devnet.compact_json import dumps_compact
from devnet.crypto import address_of_private_key, sha256
from devnet.errors import BroadcastError
from devnet.genesis import KeyPair
from devnet.node import Node
from devnet.params import ChainParams
from devnet.render import block_json, transaction_info_json
from devnet.render_text import block_infos_text, block_text, transaction_info_text
from devnet.txcodec import Contract, build_transaction

TRANSFER = bytes.fromhex("a9059cbb")
APPROVE = bytes.fromhex("095ea7b3")
TRANSFER_FROM = bytes.fromhex("23b872dd")
TRIGGER = "TriggerSmartContract"


def _word(address: bytes) -> bytes:
    return address[1:].rjust(32, b"\0")


def _number(value: int) -> bytes:
    return value.to_bytes(32, "big")


class _Sender:
    def __init__(self, node: Node) -> None:
        self.node = node
        self.sequence = 0
        self.refused: list[str] = []

    def __call__(
        self,
        key: KeyPair,
        type_name: str,
        fields: dict[str, Any],
        *,
        permission_id: int = 0,
        **extra: Any,
    ) -> None:
        reference = self.node.reference_fields()
        self.sequence += 1
        raw = build_transaction(
            Contract(type_name, fields, permission_id),
            ref_block_bytes=bytes.fromhex(reference["ref_block_bytes"]),
            ref_block_hash=bytes.fromhex(reference["ref_block_hash"]),
            expiration=reference["expiration"],
            timestamp=reference["timestamp"] + self.sequence,
            **extra,
        )
        try:
            self.node.sign_and_admit(raw, key.private_key)
        except BroadcastError as exc:
            self.refused.append(f"{type_name}: {exc.code}")


def _varied_chain() -> Node:
    now = [1_700_000_000.0]
    params = replace(ChainParams(), unfreeze_delay_ms=5_000)
    node = Node(seed=3, block_time=0, solid_lag=0, clock=lambda: now[0], params=params)
    send = _Sender(node)
    a, b, c = node.accounts[:3]
    token = node.world.token.address
    fresh = address_of_private_key(sha256(b"render-text-fresh"))
    odd_url = 'type.googleapis.com/protocol.TransferContract\u00e9"x'

    def call(key: KeyPair, data: bytes, fee_limit: int = 10**8) -> None:
        fields = {"owner_address": key.address, "contract_address": token, "data": data}
        send(key, TRIGGER, fields, fee_limit=fee_limit)

    transfer = {"owner_address": a.address, "to_address": b.address, "amount": 5}
    send(a, "TransferContract", transfer)
    creating = {"owner_address": a.address, "to_address": fresh, "amount": 10**6}
    send(a, "TransferContract", creating, memo='héllo "memo"\n'.encode())
    odd = {"owner_address": b.address, "to_address": c.address, "amount": 7}
    send(b, "TransferContract", odd, permission_id=2, ref_block_num=5, scripts=b"\x01\x02",
         type_url=odd_url)  # fmt: skip
    call(a, TRANSFER + _word(b.address) + _number(10**9))  # to an empty holder
    call(a, TRANSFER + _word(b.address) + _number(1))  # to a holder
    call(c, TRANSFER + _word(b.address) + _number(10**30))  # reverts: balance
    call(c, bytes.fromhex("deadbeef"))  # reverts: unknown selector
    call(c, TRANSFER + _word(b.address) + _number(0), fee_limit=1_000)  # out of energy
    call(b, APPROVE + _word(c.address) + _number(500))
    node.produce_block()
    call(c, TRANSFER_FROM + _word(b.address) + _word(a.address) + _number(200))
    owner = {"owner_address": a.address}
    send(a, "FreezeBalanceV2Contract", {**owner, "frozen_balance": 10**9})
    send(a, "FreezeBalanceV2Contract", {**owner, "frozen_balance": 2 * 10**9, "resource": "ENERGY"})
    locked = {"receiver_address": b.address, "balance": 10**8, "lock": True, "lock_period": 100}
    send(a, "DelegateResourceContract", {**owner, **locked, "resource": "ENERGY"})
    send(a, "DelegateResourceContract", {**owner, "receiver_address": c.address, "balance": 10**8})
    node.produce_block()
    back = {**owner, "receiver_address": c.address, "balance": 10**8}
    send(a, "UnDelegateResourceContract", back)
    votes = [(node.witness_keys[0].address, 3), (node.witness_keys[1].address, 2)]
    send(a, "VoteWitnessContract", {**owner, "votes": votes})
    send(a, "UnfreezeBalanceV2Contract", {**owner, "unfreeze_balance": 10**8})
    node.produce_block()
    now[0] += 10  # the unfreeze expires
    node.mine(3)
    energy = {**owner, "unfreeze_balance": 10**8, "resource": "ENERGY"}
    send(a, "UnfreezeBalanceV2Contract", energy)  # pays out the expired one
    send(a, "UnfreezeBalanceV2Contract", {**owner, "unfreeze_balance": 10**7})
    node.produce_block()
    now[0] += 10
    node.mine(1)
    send(a, "WithdrawExpireUnfreezeContract", owner)
    send(a, "UnfreezeBalanceV2Contract", {**owner, "unfreeze_balance": 10**7})
    node.produce_block()
    send(a, "CancelAllUnfreezeV2Contract", owner)
    send(a, "WithdrawBalanceContract", owner)
    node.produce_block()
    assert not send.refused, send.refused
    return node


@pytest.fixture(scope="module")
def chain() -> Node:
    return _varied_chain()


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _records(node: Node) -> list[tuple[TxRecord, Block]]:
    return [(record, block) for block in node.blocks for record in block.txs]


def test_a_record_gives_back_the_receipt_it_was_made_from(chain: Node) -> None:
    for record, _ in _records(chain):
        info = record.info
        assert next(iter(info)) == "id"
        again = TxRecord.with_receipt(record.raw, record.signatures, record.contract_ret, info)
        assert again == record


def test_the_chain_covers_every_receipt_shape(chain: Node) -> None:
    rets = {record.contract_ret for record, _ in _records(chain)}
    assert rets == {"SUCCESS", "REVERT", "OUT_OF_ENERGY"}
    keys = {key for record, _ in _records(chain) for key in record.info}
    assert {"log", "resMessage", "withdraw_expire_amount", "cancel_unfreezeV2_amount"} <= keys
    types = {record.raw.contract.type_name for record, _ in _records(chain)}
    assert len(types) == 10


@pytest.mark.parametrize("visible", [False, True])
def test_block_text_is_the_dumped_block_view(chain: Node, visible: bool) -> None:
    for block in chain.blocks:
        assert block_text(block, visible=visible) == _dumps(block_json(block, visible=visible))


@pytest.mark.parametrize("visible", [False, True])
def test_receipt_texts_are_the_dumped_receipt_views(chain: Node, visible: bool) -> None:
    for record, block in _records(chain):
        expected = _dumps(transaction_info_json(record, block, visible=visible))
        assert transaction_info_text(record, block, visible=visible) == expected
    for block in chain.blocks:
        views = [transaction_info_json(record, block, visible=visible) for record in block.txs]
        assert block_infos_text(block, visible=visible) == _dumps(views)


@pytest.mark.parametrize(
    "edit",
    [
        lambda info: {**info, "contractResult": ["x\u00e9\n"]},
        lambda info: {**info, "log": [{"address": "00" * 20, "topics": [], "data": ""}]},
        lambda info: {**info, "receipt": {"result": 'odd "result"', "net_fee": 1}},
        lambda info: {**info, "novel_field": {"nested": [1, True, None]}},
    ],
)
def test_values_that_need_escaping_are_escaped_like_json_dumps(
    chain: Node, edit: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    record, block = _records(chain)[0]
    edited = TxRecord.with_receipt(record.raw, ("ab\tcd",), record.contract_ret, edit(record.info))
    for visible in (False, True):
        expected = _dumps(transaction_info_json(edited, block, visible=visible))
        assert transaction_info_text(edited, block, visible=visible) == expected
        altered = replace(block, txs=[edited])
        assert block_text(altered, visible=visible) == _dumps(block_json(altered, visible=visible))


@pytest.mark.parametrize(
    "value",
    [
        {"contractResult": [""], "receipt": {"net_fee": 100_000}},
        {"text": 'a "quoted" \\ back\nslash \x01 \u00e9 \u2603 \U0001f600', "n": -(2**70)},
        [True, False, None, 1.5, float("inf"), {"nested": [[], {}]}],
        "plain",
    ],
)
def test_dumps_compact_is_json_dumps(value: Any) -> None:
    assert dumps_compact(value) == json.dumps(value, separators=(",", ":"))
