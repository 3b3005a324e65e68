"""The receipt's split of a transaction's cost (typed on both decoding paths) and the
Stake 2.0 delegation reads, against the devnet."""

from __future__ import annotations

import pytest

from lucid_payments.tron.adapter.delegation import (
    can_delegate_max_sun,
    delegation_receivers,
    delegations,
    sun_for_energy,
)
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import (
    parse_transaction_info,
    transaction_info,
    transaction_infos_by_block,
)
from tests.tron.conftest import DevnetHandle

RECEIVER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


@pytest.mark.devnet
def test_a_burned_usdt_transfer_reads_its_energy_fee_on_both_paths(devnet: DevnetHandle) -> None:
    devnet.faucet(RECEIVER, trx=1_000_000)
    txid = devnet.faucet(RECEIVER, usdt=5)["usdt"]  # the issuer has no energy: it burns
    devnet.mine()
    node = get_node()
    info = transaction_info(node, txid)
    assert info is not None
    assert info.energy_fee == info.energy_usage_total * 100 > 0
    assert info.energy_usage == 0 and info.origin_energy_usage == 0
    assert info.fee == info.energy_fee + info.net_fee
    typed = {i.txid: i for i in transaction_infos_by_block(node, info.block_number)}[txid]
    assert typed == info  # the msgspec path reads the same receipt
    general = parse_transaction_info(
        {
            "id": txid,
            "fee": 10,
            "receipt": {"energy_usage": 1, "energy_fee": 2, "origin_energy_usage": 3, "net_fee": 4},
        }
    )
    assert (general.energy_usage, general.energy_fee) == (1, 2)
    assert (general.origin_energy_usage, general.net_fee) == (3, 4)


@pytest.mark.devnet
def test_delegation_reads_follow_a_delegation(devnet: DevnetHandle) -> None:
    from tronpy import Tron
    from tronpy.keys import PrivateKey
    from tronpy.providers import HTTPProvider

    owner = devnet.accounts[1]
    client = Tron(HTTPProvider(devnet.url))
    key = PrivateKey(bytes.fromhex(owner.private_key))
    devnet.faucet(RECEIVER, trx=1_000_000)
    client.trx.freeze_balance(owner.address, 1_000_000_000, "ENERGY").build().sign(key).broadcast()
    devnet.mine()
    node = get_node()
    assert can_delegate_max_sun(node, owner.address) == 1_000_000_000
    client.trx.delegate_resource(owner.address, RECEIVER, 300_000_000, "ENERGY").build().sign(
        key
    ).broadcast()
    devnet.mine()
    assert delegations(node, source=owner.address, receiver=RECEIVER).energy_sun == 300_000_000
    assert delegation_receivers(node, owner.address) == [RECEIVER]
    assert can_delegate_max_sun(node, owner.address) == 700_000_000
    assert delegations(node, source=RECEIVER, receiver=owner.address).energy_sun == 0


def test_sun_for_energy_rounds_up_to_whole_trx_and_at_least_one() -> None:
    assert sun_for_energy(1, total_energy_limit=90_000_000_000, total_energy_weight=10) == 1_000_000
    assert sun_for_energy(64_285, total_energy_limit=1_000, total_energy_weight=1) == 65_000_000
    assert sun_for_energy(1_001, total_energy_limit=1_000, total_energy_weight=1) == 2_000_000
