"""Stake 2.0 through tronpy 0.6.2 (unmodified) against a running devnet: tronpy builds the
transactions locally, signs them and broadcasts; the devnet validates them as java-tron does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tronpy import Tron
from tronpy.exceptions import ValidationError
from tronpy.keys import PrivateKey
from tronpy.providers import HTTPProvider

from devnet.genesis import witnesses
from devnet.testing import DevnetAccount, RunningDevnet, running_devnet

pytestmark = pytest.mark.devnet

TRX = 1_000_000
UNFREEZE_DELAY_MS = 6_000  # two blocks


@pytest.fixture
def chain() -> Iterator[RunningDevnet]:
    with running_devnet(unfreeze_delay_ms=UNFREEZE_DELAY_MS) as running:
        running.mine()
        yield running


@pytest.fixture
def client(chain: RunningDevnet) -> Tron:
    return Tron(provider=HTTPProvider(chain.url))


def submit(client: Tron, chain: RunningDevnet, account: DevnetAccount, builder: Any) -> dict:
    """Build, sign, broadcast, mine; returns the transaction info (tronpy's `.wait()`)."""
    key = PrivateKey(bytes.fromhex(account.private_key))
    receipt = builder.build().sign(key).broadcast()
    chain.mine()
    info: dict = receipt.wait(timeout=10, interval=0.1)
    assert "result" not in info, info  # "FAILED" only on failure
    return info


def refused(client: Tron, account: DevnetAccount, builder: Any) -> str:
    key = PrivateKey(bytes.fromhex(account.private_key))
    with pytest.raises(ValidationError) as caught:
        builder.build().sign(key).broadcast()
    return str(caught.value)


def test_freeze_unfreeze_and_withdraw_after_the_delay(client: Tron, chain: RunningDevnet) -> None:
    owner = chain.accounts[0]
    start = client.get_account_balance(owner.address)
    fees = submit(
        client, chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY")
    ).get("fee", 0)
    resource = client.get_account_resource(owner.address)
    assert resource["EnergyLimit"] == 180_000_000_000  # the only staker on the network
    assert resource["TotalEnergyWeight"] == 100
    assert client.get_account(owner.address)["frozenV2"] == [
        {"type": "ENERGY", "amount": 100 * TRX}
    ]

    fees += submit(
        client,
        chain,
        owner,
        client.trx.unfreeze_balance(owner.address, "ENERGY", unfreeze_balance=40 * TRX),
    ).get("fee", 0)
    (pending,) = client.get_account(owner.address)["unfrozenV2"]
    assert pending["unfreeze_amount"] == 40 * TRX
    message = refused(client, owner, client.trx.withdraw_stake_balance(owner.address))
    assert message == "Contract validate error : no unFreeze balance to withdraw "

    chain.mine(2)
    info = submit(client, chain, owner, client.trx.withdraw_stake_balance(owner.address))
    fees += info.get("fee", 0)
    assert info.get("withdraw_expire_amount", 40 * TRX) == 40 * TRX
    account = client.get_account(owner.address)
    assert "unfrozenV2" not in account
    assert account["frozenV2"] == [{"type": "ENERGY", "amount": 60 * TRX}]
    # 600 free bandwidth points a day cover two transactions; the third burns TRX
    assert fees > 0
    spent = int((start - client.get_account_balance(owner.address)) * TRX)
    assert spent == 60 * TRX + fees


def test_freeze_refusals_carry_java_tron_messages(client: Tron, chain: RunningDevnet) -> None:
    owner = chain.accounts[0]
    message = refused(client, owner, client.trx.freeze_balance(owner.address, TRX - 1, "ENERGY"))
    assert message == (
        "Contract validate error : frozenBalance must be greater than or equal to 1 TRX"
    )
    message = refused(
        client, owner, client.trx.unfreeze_balance(owner.address, "ENERGY", unfreeze_balance=TRX)
    )
    assert message == "Contract validate error : no frozenBalance(Energy)"


def test_delegate_with_lock_and_undelegate_after_it(client: Tron, chain: RunningDevnet) -> None:
    owner, receiver = chain.accounts[0], chain.accounts[1]
    submit(client, chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "ENERGY"))
    submit(
        client,
        chain,
        owner,
        client.trx.delegate_resource(
            owner.address, receiver.address, 30 * TRX, "ENERGY", lock=True, lock_period=2
        ),
    )
    assert client.get_account_resource(receiver.address)["EnergyLimit"] == 54_000_000_000
    owner_account = client.get_account(owner.address)
    assert owner_account["account_resource"]["delegated_frozenV2_balance_for_energy"] == 30 * TRX
    receiver_account = client.get_account(receiver.address)
    assert (
        receiver_account["account_resource"]["acquired_delegated_frozenV2_balance_for_energy"]
        == 30 * TRX
    )

    undelegate = client.trx.undelegate_resource(owner.address, receiver.address, 30 * TRX, "ENERGY")
    message = refused(client, owner, undelegate)
    assert message == (
        "Contract validate error : insufficient delegateFrozenBalance(Energy), "
        f"request={30 * TRX}, unlock_balance=0"
    )
    chain.mine(2)
    submit(
        client,
        chain,
        owner,
        client.trx.undelegate_resource(owner.address, receiver.address, 30 * TRX, "ENERGY"),
    )
    assert "EnergyLimit" not in client.get_account_resource(receiver.address)
    assert client.get_account(owner.address)["frozenV2"] == [
        {"type": "ENERGY", "amount": 100 * TRX}
    ]


def test_vote_then_withdraw_rewards(client: Tron, chain: RunningDevnet) -> None:
    owner = chain.accounts[0]
    witness = witnesses(0)[0].base58
    submit(client, chain, owner, client.trx.freeze_balance(owner.address, 100 * TRX, "BANDWIDTH"))
    message = refused(client, owner, client.trx.vote_witness(owner.address, (witness, 101)))
    assert message == (
        f"Contract validate error : The total number of votes[{101 * TRX}] is greater than "
        f"the tronPower[{100 * TRX}]"
    )
    submit(client, chain, owner, client.trx.vote_witness(owner.address, (witness, 60)))
    account = client.get_account(owner.address)
    assert account["votes"] == [{"vote_address": witness, "vote_count": 60}]
    assert client.get_account_resource(owner.address)["tronPowerUsed"] == 60

    chain.mine(3)
    reward = chain.node.world.stake.reward(bytes.fromhex(owner.hex))
    assert reward > 0
    before = client.get_account_balance(owner.address)
    info = submit(client, chain, owner, client.trx.withdraw_rewards(owner.address))
    fee = info.get("fee", 0)
    gained = int((client.get_account_balance(owner.address) - before) * TRX)
    assert gained == reward - fee

    message = refused(client, owner, client.trx.withdraw_rewards(owner.address))
    assert message.startswith("Contract validate error : The last withdraw time is ")
    assert message.endswith(", less than 24 hours")
