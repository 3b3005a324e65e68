"""The adapter's Stake 2.0 reads against the devnet, with transactions sent by tronpy:
delegated amounts both ways, votes, the claimable reward, the delegatable stake, and the
amounts a transaction paid back (reward, expired unfreezes) on both info decoding paths."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tronpy import Tron
from tronpy.keys import PrivateKey
from tronpy.providers import HTTPProvider

from devnet.genesis import witnesses
from devnet.testing import DevnetAccount
from lucid_payments.tron.adapter import accounts, reads
from lucid_payments.tron.adapter.node import get_node
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.devnet

TRX = 1_000_000


def _send(devnet: DevnetHandle, account: DevnetAccount, builder: Any) -> str:
    key = PrivateKey(bytes.fromhex(account.private_key))
    txid: str = builder.build().sign(key).broadcast()["txid"]
    devnet.mine()
    return txid


def test_delegations_votes_reward_and_delegatable_stake(devnet: DevnetHandle) -> None:
    tron = Tron(provider=HTTPProvider(devnet.url))
    owner, receiver = devnet.accounts[0], devnet.accounts[1]
    witness = witnesses(0)[0].base58
    _send(devnet, owner, tron.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY"))
    _send(
        devnet,
        owner,
        tron.trx.delegate_resource(owner.address, receiver.address, 30 * TRX, "ENERGY"),
    )
    _send(devnet, owner, tron.trx.vote_witness(owner.address, (witness, 60)))
    devnet.mine(3)
    node = get_node()

    mine = accounts.account(node, owner.address)
    assert mine.frozen_sun["ENERGY"] == 70 * TRX
    assert mine.delegated_out_sun == {"BANDWIDTH": 0, "ENERGY": 30 * TRX}
    assert mine.staked_total_sun == 100 * TRX
    assert [(vote.witness, vote.count) for vote in mine.votes] == [(witness, 60)]
    assert accounts.account(node, receiver.address).delegated_in_sun["ENERGY"] == 30 * TRX
    assert accounts.can_delegate_max_sun(node, owner.address, "ENERGY") == 70 * TRX
    assert accounts.can_delegate_max_sun(node, owner.address, "BANDWIDTH") == 0

    reward = accounts.reward(node, owner.address)
    assert reward > 0
    txid = _send(devnet, owner, tron.trx.withdraw_rewards(owner.address))
    info = reads.transaction_info(node, txid)
    assert info is not None and info.withdraw_amount >= reward
    raw = httpx.post(f"{devnet.url}/wallet/gettransactioninfobyid", json={"value": txid}).json()
    assert reads.parse_transaction_info(raw).withdraw_amount == info.withdraw_amount
    (typed,) = [
        i for i in reads.transaction_infos_by_block(node, info.block_number) if i.txid == txid
    ]
    assert typed == info
