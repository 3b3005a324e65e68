"""Stake 2.0 engine: java-tron's validation rules and messages, and their effects on TRX."""

from __future__ import annotations

import json

import pytest

from devnet.accounts import AccountStore
from devnet.params import BLOCK_INTERVAL_MS, MS_PER_DAY, ChainParams
from devnet.resources import ResourceMeter
from devnet.stake import ContractValidateError, StakeEngine

TRX = 1_000_000
ALICE = b"\x41" + b"\xa1" * 20
BOB = b"\x41" + b"\xb0" * 20
CAROL = b"\x41" + b"\xc0" * 20
WITNESS = b"\x41" + b"\x57" * 20
STRANGER = b"\x41" + b"\x99" * 20
DELAY = 60_000
T0 = 1_700_000_000_000


def make_engine(
    *, delay_ms: int = DELAY, params: ChainParams | None = None
) -> tuple[StakeEngine, AccountStore]:
    ledger = AccountStore()
    for address, balance in ((ALICE, 10_000 * TRX), (BOB, 1_000 * TRX), (WITNESS, 0)):
        ledger.create(address, now_ms=T0, balance=balance)
    engine = StakeEngine(
        ledger=ledger,
        params=params or ChainParams(unfreeze_delay_ms=delay_ms),
        witnesses=[WITNESS],
    )
    return engine, ledger


def refused(message: str):
    return pytest.raises(ContractValidateError, match=f"^{message}$")


# ---- freeze ----------------------------------------------------------------------------
def test_freeze_moves_trx_from_balance_to_frozen() -> None:
    engine, ledger = make_engine()
    engine.freeze(owner=ALICE, amount=100 * TRX, resource="ENERGY", now_ms=T0)
    assert ledger.balance(ALICE) == 9_900 * TRX
    assert engine.account_fields(ALICE, visible=False)["frozenV2"] == [
        {"type": "ENERGY", "amount": 100 * TRX}
    ]
    assert engine.total_weight("ENERGY") == 100
    assert engine.tron_power(ALICE) == 100 * TRX


@pytest.mark.parametrize(
    ("owner", "amount", "resource", "message"),
    [
        (STRANGER, TRX, "ENERGY", f"Account\\[{STRANGER.hex()}\\] not exists"),
        (ALICE, 0, "ENERGY", "frozenBalance must be positive"),
        (ALICE, TRX - 1, "ENERGY", "frozenBalance must be greater than or equal to 1 TRX"),
        (
            ALICE,
            10_001 * TRX,
            "ENERGY",
            "frozenBalance must be less than or equal to accountBalance",
        ),
        (ALICE, TRX, "TRON_POWER", "ResourceCode error, valid ResourceCode\\[BANDWIDTH、ENERGY\\]"),
        (b"\x42" * 21, TRX, "ENERGY", "Invalid address"),
    ],
)
def test_freeze_refusals_use_java_tron_messages(
    owner: bytes, amount: int, resource: str, message: str
) -> None:
    engine, ledger = make_engine()
    with refused(message):
        engine.freeze(owner=owner, amount=amount, resource=resource, now_ms=T0)
    assert ledger.balance(ALICE) == 10_000 * TRX
    assert engine.to_state()["accounts"] == {}


# ---- unfreeze and withdraw -------------------------------------------------------------
def test_unfreeze_waits_for_the_delay_then_withdraw_pays_out() -> None:
    engine, ledger = make_engine()
    engine.freeze(owner=ALICE, amount=100 * TRX, resource="BANDWIDTH", now_ms=T0)
    engine.unfreeze(owner=ALICE, amount=40 * TRX, resource="BANDWIDTH", now_ms=T0)
    fields = engine.account_fields(ALICE, visible=False)
    assert fields["frozenV2"] == [{"amount": 60 * TRX}]
    assert fields["unfrozenV2"] == [
        {"unfreeze_amount": 40 * TRX, "unfreeze_expire_time": T0 + DELAY}
    ]
    with refused("no unFreeze balance to withdraw "):
        engine.withdraw_expire_unfreeze(owner=ALICE, now_ms=T0 + DELAY - 1)
    assert engine.withdraw_expire_unfreeze(owner=ALICE, now_ms=T0 + DELAY) == 40 * TRX
    assert ledger.balance(ALICE) == 9_940 * TRX
    assert "unfrozenV2" not in engine.account_fields(ALICE, visible=False)


def test_default_unfreeze_delay_is_fourteen_days() -> None:
    engine, _ = make_engine(params=ChainParams())
    engine.freeze(owner=ALICE, amount=2 * TRX, resource="ENERGY", now_ms=T0)
    engine.unfreeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0)
    (entry,) = engine.account_fields(ALICE, visible=False)["unfrozenV2"]
    assert entry["unfreeze_expire_time"] == T0 + 14 * MS_PER_DAY


def test_unfreeze_refusals() -> None:
    engine, _ = make_engine()
    with refused("no frozenBalance\\(Energy\\)"):
        engine.unfreeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0)
    with refused("no frozenBalance\\(BANDWIDTH\\)"):
        engine.unfreeze(owner=ALICE, amount=TRX, resource="BANDWIDTH", now_ms=T0)
    with refused(f"Account\\[{STRANGER.hex()}\\] does not exist"):
        engine.unfreeze(owner=STRANGER, amount=TRX, resource="ENERGY", now_ms=T0)
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="ENERGY", now_ms=T0)
    with refused(f"Invalid unfreeze_balance, \\[{10 * TRX + 1}\\] is error"):
        engine.unfreeze(owner=ALICE, amount=10 * TRX + 1, resource="ENERGY", now_ms=T0)
    with refused("Invalid unfreeze_balance, \\[0\\] is error"):
        engine.unfreeze(owner=ALICE, amount=0, resource="ENERGY", now_ms=T0)


def test_delegated_stake_cannot_be_unfrozen() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="ENERGY", now_ms=T0)
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=8 * TRX,
        resource="ENERGY",
        lock=False,
        lock_period=0,
        now_ms=T0,
    )
    with refused(f"Invalid unfreeze_balance, \\[{3 * TRX}\\] is error"):
        engine.unfreeze(owner=ALICE, amount=3 * TRX, resource="ENERGY", now_ms=T0)
    engine.unfreeze(owner=ALICE, amount=2 * TRX, resource="ENERGY", now_ms=T0)


def test_at_most_32_pending_unfreezes_and_expired_ones_do_not_count() -> None:
    engine, ledger = make_engine()
    engine.freeze(owner=ALICE, amount=100 * TRX, resource="ENERGY", now_ms=T0)
    for i in range(32):
        engine.unfreeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0 + i)
    with refused("Invalid unfreeze operation, unfreezing times is over limit"):
        engine.unfreeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0 + 32)
    balance = ledger.balance(ALICE)
    # once they expire, the next unfreeze pays them out and starts a fresh list
    engine.unfreeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0 + DELAY + 100)
    assert ledger.balance(ALICE) == balance + 32 * TRX
    assert len(engine.account_fields(ALICE, visible=False)["unfrozenV2"]) == 1


def test_cancel_all_returns_unexpired_to_frozen_and_pays_expired() -> None:
    engine, ledger = make_engine()
    with refused("No unfreezeV2 list to cancel"):
        engine.cancel_all_unfreeze(owner=ALICE, now_ms=T0)
    engine.freeze(owner=ALICE, amount=100 * TRX, resource="ENERGY", now_ms=T0)
    engine.freeze(owner=ALICE, amount=50 * TRX, resource="BANDWIDTH", now_ms=T0)
    engine.unfreeze(owner=ALICE, amount=30 * TRX, resource="ENERGY", now_ms=T0)
    engine.unfreeze(owner=ALICE, amount=20 * TRX, resource="BANDWIDTH", now_ms=T0 + 1)
    assert engine.cancel_all_unfreeze_amounts(ALICE, now_ms=T0 + DELAY) == {
        "BANDWIDTH": 20 * TRX,
        "ENERGY": 0,
    }
    before = ledger.balance(ALICE)
    engine.cancel_all_unfreeze(owner=ALICE, now_ms=T0 + DELAY)
    assert ledger.balance(ALICE) == before + 30 * TRX
    fields = engine.account_fields(ALICE, visible=False)
    assert fields["frozenV2"] == [{"amount": 50 * TRX}, {"type": "ENERGY", "amount": 70 * TRX}]
    assert "unfrozenV2" not in fields


# ---- delegation ------------------------------------------------------------------------
def test_delegate_moves_stake_to_receiver_and_undelegate_brings_it_back() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=100 * TRX, resource="BANDWIDTH", now_ms=T0)
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=60 * TRX,
        resource="BANDWIDTH",
        lock=False,
        lock_period=0,
        now_ms=T0,
    )
    assert engine.staked_for(BOB, "BANDWIDTH") == 60 * TRX
    assert engine.staked_for(ALICE, "BANDWIDTH") == 40 * TRX
    assert engine.total_weight("BANDWIDTH") == 100  # delegation does not change the weight
    assert engine.tron_power(ALICE) == 100 * TRX  # delegated TRX still votes for the owner
    alice = engine.account_fields(ALICE, visible=False)
    assert alice["delegated_frozenV2_balance_for_bandwidth"] == 60 * TRX
    bob = engine.account_fields(BOB, visible=False)
    assert bob["acquired_delegated_frozenV2_balance_for_bandwidth"] == 60 * TRX
    assert engine.delegations_from(ALICE) == [
        {"from": ALICE.hex(), "to": BOB.hex(), "frozen_balance_for_bandwidth": 60 * TRX}
    ]

    engine.undelegate(owner=ALICE, receiver=BOB, amount=60 * TRX, resource="BANDWIDTH", now_ms=T0)
    assert engine.staked_for(BOB, "BANDWIDTH") == 0
    assert engine.staked_for(ALICE, "BANDWIDTH") == 100 * TRX
    assert engine.delegations_from(ALICE) == []


def test_delegate_refusals() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="ENERGY", now_ms=T0)

    def delegate(**overrides: object) -> None:
        kwargs: dict = dict(
            owner=ALICE,
            receiver=BOB,
            amount=5 * TRX,
            resource="ENERGY",
            lock=False,
            lock_period=0,
            now_ms=T0,
        )
        kwargs.update(overrides)
        engine.delegate(**kwargs)

    with refused("delegateBalance must be greater than or equal to 1 TRX"):
        delegate(amount=TRX - 1)
    with refused("delegateBalance must be less than or equal to available FreezeEnergyV2 balance"):
        delegate(amount=11 * TRX)
    with refused(
        "delegateBalance must be less than or equal to available FreezeBandwidthV2 balance"
    ):
        delegate(resource="BANDWIDTH")
    with refused("receiverAddress must not be the same as ownerAddress"):
        delegate(receiver=ALICE)
    with refused(f"Account\\[{STRANGER.hex()}\\] not exists"):
        delegate(receiver=STRANGER)
    with refused("Invalid receiverAddress"):
        delegate(receiver=b"\x41\x00")
    with refused(
        "The lock period of delegate resource cannot be less than 0 and cannot exceed 864000!"
    ):
        delegate(lock=True, lock_period=864_001)
    assert engine.staked_for(BOB, "ENERGY") == 0


def test_locked_delegation_comes_back_only_after_the_lock_period() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="ENERGY", now_ms=T0)
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=4 * TRX,
        resource="ENERGY",
        lock=True,
        lock_period=100,
        now_ms=T0,
    )
    (row,) = engine.delegations_from(ALICE)
    assert row["expire_time_for_energy"] == T0 + 100 * BLOCK_INTERVAL_MS
    with refused(
        f"insufficient delegateFrozenBalance\\(Energy\\), request={TRX}, unlock_balance=0"
    ):
        engine.undelegate(owner=ALICE, receiver=BOB, amount=TRX, resource="ENERGY", now_ms=T0)
    # a new lock must not end before the current one
    with refused(
        "The lock period for ENERGY this time cannot be less than the remaining "
        f"time\\[{100 * BLOCK_INTERVAL_MS}ms\\] of the last lock period for ENERGY!"
    ):
        engine.delegate(
            owner=ALICE,
            receiver=BOB,
            amount=TRX,
            resource="ENERGY",
            lock=True,
            lock_period=99,
            now_ms=T0,
        )
    after = T0 + 100 * BLOCK_INTERVAL_MS + 1
    engine.undelegate(owner=ALICE, receiver=BOB, amount=4 * TRX, resource="ENERGY", now_ms=after)
    assert engine.staked_for(ALICE, "ENERGY") == 10 * TRX


def test_lock_without_period_uses_three_days() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="ENERGY", now_ms=T0)
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=4 * TRX,
        resource="ENERGY",
        lock=True,
        lock_period=0,
        now_ms=T0,
    )
    (row,) = engine.delegations_from(ALICE)
    assert row["expire_time_for_energy"] == T0 + 3 * MS_PER_DAY


def test_undelegate_refusals() -> None:
    engine, _ = make_engine()
    with refused("delegated Resource does not exist"):
        engine.undelegate(owner=ALICE, receiver=BOB, amount=TRX, resource="ENERGY", now_ms=T0)
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="BANDWIDTH", now_ms=T0)
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=2 * TRX,
        resource="BANDWIDTH",
        lock=False,
        lock_period=0,
        now_ms=T0,
    )
    with refused("unDelegateBalance must be more than 0 TRX"):
        engine.undelegate(owner=ALICE, receiver=BOB, amount=0, resource="BANDWIDTH", now_ms=T0)
    with refused(
        f"insufficient delegatedFrozenBalance\\(BANDWIDTH\\), request={3 * TRX}, "
        f"unlock_balance={2 * TRX}"
    ):
        engine.undelegate(
            owner=ALICE, receiver=BOB, amount=3 * TRX, resource="BANDWIDTH", now_ms=T0
        )
    with refused(f"Account\\[{STRANGER.hex()}\\] does not exist"):
        engine.undelegate(owner=STRANGER, receiver=BOB, amount=TRX, resource="ENERGY", now_ms=T0)


def test_used_energy_cannot_be_delegated_and_moves_back_on_undelegate() -> None:
    engine, _ = make_engine()
    meter = ResourceMeter(stake=engine, params=engine.params)
    engine.freeze(owner=ALICE, amount=100 * TRX, resource="ENERGY", now_ms=T0)
    # Alice is the only staker: her limit is the whole network limit; use half of it.
    half = engine.params.total_energy_limit // 2
    meter.energy(payer=ALICE, energy=half, fee_limit=0, now_ms=T0).apply()
    with refused("delegateBalance must be less than or equal to available FreezeEnergyV2 balance"):
        engine.delegate(
            owner=ALICE,
            receiver=BOB,
            amount=51 * TRX,
            resource="ENERGY",
            lock=False,
            lock_period=0,
            now_ms=T0,
        )
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=50 * TRX,
        resource="ENERGY",
        lock=False,
        lock_period=0,
        now_ms=T0,
    )
    meter.energy(payer=BOB, energy=1_000, fee_limit=0, now_ms=T0).apply()
    engine.undelegate(owner=ALICE, receiver=BOB, amount=50 * TRX, resource="ENERGY", now_ms=T0)
    assert meter.staked_usage(BOB, "ENERGY", now_ms=T0) == 0
    assert meter.staked_usage(ALICE, "ENERGY", now_ms=T0) == half + 1_000


# ---- votes and rewards -----------------------------------------------------------------
def test_votes_are_limited_by_tron_power_in_whole_trx() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="BANDWIDTH", now_ms=T0)
    with refused(
        f"The total number of votes\\[{11 * TRX}\\] is greater than the tronPower\\[{10 * TRX}\\]"
    ):
        engine.vote(owner=ALICE, votes=[(WITNESS, 11)], now_ms=T0)
    engine.vote(owner=ALICE, votes=[(WITNESS, 10)], now_ms=T0)
    assert engine.votes_used(ALICE) == 10
    fields = engine.account_fields(ALICE, visible=True)
    assert fields["votes"] == [
        {"vote_address": "THw2RKVJq2LXsc1vzxLk3u7dSffrt4ZydW", "vote_count": 10}
    ]


def test_vote_refusals() -> None:
    engine, _ = make_engine()
    with refused("VoteNumber must more than 0"):
        engine.vote(owner=ALICE, votes=[], now_ms=T0)
    with refused("VoteNumber more than maxVoteNumber 30"):
        engine.vote(owner=ALICE, votes=[(WITNESS, 1)] * 31, now_ms=T0)
    with refused("vote count must be greater than 0"):
        engine.vote(owner=ALICE, votes=[(WITNESS, 0)], now_ms=T0)
    with refused(f"Account\\[{STRANGER.hex()}\\] not exists"):
        engine.vote(owner=ALICE, votes=[(STRANGER, 1)], now_ms=T0)
    with refused(f"Witness\\[{BOB.hex()}\\] not exists"):
        engine.vote(owner=ALICE, votes=[(BOB, 1)], now_ms=T0)
    with refused("Invalid vote address!"):
        engine.vote(owner=ALICE, votes=[(b"\x41", 1)], now_ms=T0)


def test_unfreeze_scales_votes_down_to_remaining_power() -> None:
    engine, _ = make_engine()
    engine.freeze(owner=ALICE, amount=10 * TRX, resource="ENERGY", now_ms=T0)
    engine.vote(owner=ALICE, votes=[(WITNESS, 10)], now_ms=T0)
    engine.unfreeze(owner=ALICE, amount=6 * TRX, resource="ENERGY", now_ms=T0)
    assert engine.votes_used(ALICE) == 4


def test_rewards_accrue_per_block_and_withdraw_once_per_day() -> None:
    engine, ledger = make_engine()
    engine.freeze(owner=ALICE, amount=30 * TRX, resource="ENERGY", now_ms=T0)
    engine.freeze(owner=BOB, amount=10 * TRX, resource="ENERGY", now_ms=T0)
    engine.vote(owner=ALICE, votes=[(WITNESS, 30)], now_ms=T0)
    engine.vote(owner=BOB, votes=[(WITNESS, 10)], now_ms=T0)
    with refused("witnessAccount does not have any reward"):
        engine.withdraw_rewards(owner=ALICE, now_ms=T0 + MS_PER_DAY)
    for n in range(1, 11):
        engine.on_block(number=n, now_ms=T0 + n * BLOCK_INTERVAL_MS)
    pool = engine.params.vote_reward_per_block_sun * 10
    voters = pool - pool * engine.params.witness_brokerage_percent // 100
    assert engine.reward(ALICE) == voters * 3 // 4
    assert engine.reward(BOB) == voters // 4

    now = T0 + MS_PER_DAY
    before = ledger.balance(ALICE)
    paid = engine.withdraw_rewards(owner=ALICE, now_ms=now)
    assert paid == voters * 3 // 4 and ledger.balance(ALICE) == before + paid
    engine.on_block(number=11, now_ms=now + 3_000)
    with refused(f"The last withdraw time is {now}, less than 24 hours"):
        engine.withdraw_rewards(owner=ALICE, now_ms=now + MS_PER_DAY - 1)
    assert engine.withdraw_rewards(owner=ALICE, now_ms=now + MS_PER_DAY) > 0
    with refused(
        f"Account\\[{WITNESS.hex()}\\] is a guard representative and is not allowed to "
        "withdraw Balance"
    ):
        engine.withdraw_rewards(owner=WITNESS, now_ms=now)


def test_state_round_trips_through_json() -> None:
    engine, ledger = make_engine()
    engine.freeze(owner=ALICE, amount=50 * TRX, resource="ENERGY", now_ms=T0)
    engine.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=5 * TRX,
        resource="ENERGY",
        lock=True,
        lock_period=10,
        now_ms=T0,
    )
    engine.unfreeze(owner=ALICE, amount=5 * TRX, resource="ENERGY", now_ms=T0)
    engine.vote(owner=ALICE, votes=[(WITNESS, 40)], now_ms=T0)
    engine.on_block(number=1, now_ms=T0 + 3_000)
    state = json.loads(json.dumps(engine.to_state()))
    restored = StakeEngine(ledger=ledger, params=engine.params, witnesses=[WITNESS])
    restored.load_state(state)
    assert restored.to_state() == engine.to_state()
    assert restored.account_fields(ALICE, visible=False) == engine.account_fields(
        ALICE, visible=False
    )
