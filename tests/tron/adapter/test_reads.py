"""Typed reads against the devnet."""

from __future__ import annotations

import itertools

import pytest

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import (
    block_by_number,
    blocks_in_range,
    chain_parameters,
    node_info,
    token_transfers,
    transaction_infos_by_block,
)
from lucid_payments.tron.addresses import to_hex
from tests.tron.conftest import SOLID_LAG, DevnetHandle

pytestmark = pytest.mark.devnet

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_node_info_reports_head_and_solid_block(devnet: DevnetHandle) -> None:
    devnet.mine(SOLID_LAG + 2)
    status = devnet.status()

    info = node_info(get_node())

    assert (info.head.number, info.head.block_id) == (
        status["head"]["number"],
        status["head"]["id"],
    )
    assert (info.solid.number, info.solid.block_id) == (
        status["solid"]["number"],
        status["solid"]["id"],
    )


def test_blocks_carry_trx_transfers_and_infos_carry_token_logs(devnet: DevnetHandle) -> None:
    txids = devnet.faucet(RECIPIENT, trx=1_234_567, usdt=7_654_321)
    number = devnet.mine()["head"]["number"]
    node = get_node()

    block = block_by_number(node, number)
    assert block is not None
    by_id = {tx.txid: tx for tx in block.transactions}
    trx = by_id[txids["trx"]]
    assert (trx.contract_type, trx.succeeded, trx.to_hex, trx.amount) == (
        "TransferContract",
        True,
        to_hex(RECIPIENT),
        1_234_567,
    )
    assert by_id[txids["usdt"]].contract_type == "TriggerSmartContract"

    infos = {info.txid: info for info in transaction_infos_by_block(node, number)}
    [token] = token_transfers(infos[txids["usdt"]])
    assert (token.to_hex, token.amount, token.contract_hex) == (
        to_hex(RECIPIENT),
        7_654_321,
        to_hex(devnet.token_address),
    )
    assert token_transfers(infos[txids["trx"]]) == []


def test_blocks_in_range_links_parents_and_refuses_more_than_100(devnet: DevnetHandle) -> None:
    devnet.mine(5)
    blocks = blocks_in_range(get_node(), 1, 6)

    assert [b.number for b in blocks] == [1, 2, 3, 4, 5]
    assert all(b.parent_id == a.block_id for a, b in itertools.pairwise(blocks))
    with pytest.raises(ValueError):
        blocks_in_range(get_node(), 0, 101)


def test_unknown_block_is_none(devnet: DevnetHandle) -> None:
    assert block_by_number(get_node(), 10_000) is None


def test_chain_parameters_are_integers(devnet: DevnetHandle) -> None:
    params = {p.key: p.value for p in chain_parameters(get_node())}
    assert params and all(isinstance(v, int) for v in params.values())
