"""Bandwidth and energy: limits from stake weights, free allowance, burning, 24 h recovery."""

from __future__ import annotations

import json

from devnet.accounts import AccountStore
from devnet.params import MS_PER_DAY, ChainParams
from devnet.resources import ResourceMeter
from devnet.stake import StakeEngine

TRX = 1_000_000
ALICE = b"\x41" + b"\xa1" * 20
BOB = b"\x41" + b"\xb0" * 20
WITNESS = b"\x41" + b"\x57" * 20
T0 = 1_700_000_000_000
TX = 268  # a signed TRX transfer, as billed


def make_meter(
    params: ChainParams | None = None,
) -> tuple[ResourceMeter, StakeEngine, AccountStore]:
    ledger = AccountStore()
    ledger.create(ALICE, now_ms=T0, balance=10_000 * TRX)
    ledger.create(BOB, now_ms=T0, balance=10_000 * TRX)
    stake = StakeEngine(ledger=ledger, params=params or ChainParams(), witnesses=[WITNESS])
    return ResourceMeter(stake=stake, params=stake.params), stake, ledger


def test_free_bandwidth_pays_first_then_trx_is_burned() -> None:
    meter, _, _ = make_meter()
    first = meter.bandwidth(payer=ALICE, tx_bytes=TX, now_ms=T0, creates_account=False)
    assert (first.net_usage, first.net_fee) == (TX, 0)
    first.apply()
    second = meter.bandwidth(payer=ALICE, tx_bytes=TX, now_ms=T0, creates_account=False)
    second.apply()
    # 600 free points per day: a third 268-byte transaction no longer fits
    third = meter.bandwidth(payer=ALICE, tx_bytes=TX, now_ms=T0, creates_account=False)
    assert (third.net_usage, third.net_fee) == (0, TX * 1_000)
    assert meter.net_fields(ALICE, now_ms=T0) == {
        "freeNetUsed": 2 * TX,
        "freeNetLimit": 600,
        "TotalNetLimit": 43_200_000_000,
    }


def test_usage_recovers_linearly_over_24_hours() -> None:
    meter, _, _ = make_meter()
    meter.bandwidth(payer=ALICE, tx_bytes=400, now_ms=T0, creates_account=False).apply()
    assert meter.net_fields(ALICE, now_ms=T0 + MS_PER_DAY // 4)["freeNetUsed"] == 300
    assert meter.net_fields(ALICE, now_ms=T0 + MS_PER_DAY // 2)["freeNetUsed"] == 200
    assert "freeNetUsed" not in meter.net_fields(ALICE, now_ms=T0 + MS_PER_DAY)


def test_account_creation_burns_the_create_fee_not_free_bandwidth() -> None:
    meter, _, _ = make_meter()
    charge = meter.bandwidth(payer=ALICE, tx_bytes=TX, now_ms=T0, creates_account=True)
    assert (charge.net_usage, charge.net_fee) == (0, 100_000)


def test_staked_bandwidth_pays_before_free_and_for_account_creation() -> None:
    meter, stake, _ = make_meter()
    stake.freeze(owner=ALICE, amount=100 * TRX, resource="BANDWIDTH", now_ms=T0)
    # the only staker holds the whole network limit
    assert meter.net_limit(ALICE) == 43_200_000_000
    charge = meter.bandwidth(payer=ALICE, tx_bytes=TX, now_ms=T0, creates_account=True)
    assert (charge.net_usage, charge.net_fee) == (TX, 0)
    charge.apply()
    fields = meter.resource_fields(ALICE, now_ms=T0)
    assert fields["NetUsed"] == TX and "freeNetUsed" not in fields


def test_limits_are_shares_of_the_network_total_by_weight() -> None:
    meter, stake, _ = make_meter()
    stake.freeze(owner=ALICE, amount=300 * TRX, resource="ENERGY", now_ms=T0)
    stake.freeze(owner=BOB, amount=100 * TRX + 999_999, resource="ENERGY", now_ms=T0)
    # weights are whole TRX: 300 + 100
    assert stake.total_weight("ENERGY") == 400
    assert meter.energy_limit(ALICE) == 300 * 180_000_000_000 // 400
    assert meter.energy_limit(BOB) == 100 * 180_000_000_000 // 400
    body = meter.resource_fields(ALICE, now_ms=T0)
    assert body["EnergyLimit"] == 135_000_000_000
    assert body["TotalEnergyWeight"] == 400
    assert body["TotalEnergyLimit"] == 180_000_000_000
    assert body["tronPowerLimit"] == 300
    assert "TotalNetWeight" not in body


def test_delegated_energy_counts_for_the_receiver() -> None:
    meter, stake, _ = make_meter()
    stake.freeze(owner=ALICE, amount=100 * TRX, resource="ENERGY", now_ms=T0)
    stake.delegate(
        owner=ALICE,
        receiver=BOB,
        amount=25 * TRX,
        resource="ENERGY",
        lock=False,
        lock_period=0,
        now_ms=T0,
    )
    assert meter.energy_limit(BOB) == 45_000_000_000
    assert meter.energy_limit(ALICE) == 135_000_000_000


def test_energy_without_stake_is_burned_within_fee_limit() -> None:
    meter, _, _ = make_meter()
    charge = meter.energy(payer=ALICE, energy=65_000, fee_limit=10 * TRX, now_ms=T0)
    assert (charge.energy_usage, charge.energy_fee, charge.out_of_energy) == (0, 6_500_000, False)
    assert charge.energy_usage_total == 65_000


def test_energy_beyond_fee_limit_is_out_of_energy_and_burns_the_limit() -> None:
    meter, _, _ = make_meter()
    charge = meter.energy(payer=ALICE, energy=130_000, fee_limit=5 * TRX, now_ms=T0)
    assert charge.out_of_energy
    assert charge.energy_fee == 5 * TRX
    assert charge.energy_usage_total == 50_000


def test_staked_energy_pays_first_and_the_rest_is_burned() -> None:
    meter, stake, _ = make_meter(ChainParams(total_energy_limit=100_000))
    stake.freeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0)
    first = meter.energy(payer=ALICE, energy=65_000, fee_limit=0, now_ms=T0)
    assert (first.energy_usage, first.energy_fee) == (65_000, 0)
    first.apply()
    second = meter.energy(payer=ALICE, energy=65_000, fee_limit=10 * TRX, now_ms=T0)
    assert (second.energy_usage, second.energy_fee) == (35_000, 30_000 * 100)
    second.apply()
    assert meter.resource_fields(ALICE, now_ms=T0)["EnergyUsed"] == 100_000
    fields = meter.account_fields(ALICE, visible=False, now_ms=T0)
    assert fields["account_resource"] == {
        "energy_usage": 100_000,
        "latest_consume_time_for_energy": T0,
    }
    assert fields["frozenV2"] == [{"type": "ENERGY", "amount": TRX}]


def test_burning_more_than_the_balance_is_flagged() -> None:
    meter, _, ledger = make_meter()
    ledger.add_balance(ALICE, -ledger.balance(ALICE))
    charge = meter.bandwidth(payer=ALICE, tx_bytes=700, now_ms=T0, creates_account=False)
    assert charge.insufficient_balance and charge.net_fee == 700_000


def test_state_round_trips_through_json() -> None:
    meter, stake, _ = make_meter()
    stake.freeze(owner=ALICE, amount=TRX, resource="ENERGY", now_ms=T0)
    meter.bandwidth(payer=ALICE, tx_bytes=TX, now_ms=T0, creates_account=False).apply()
    meter.energy(payer=ALICE, energy=1_000, fee_limit=0, now_ms=T0).apply()
    restored = ResourceMeter(stake=stake, params=stake.params)
    restored.load_state(json.loads(json.dumps(meter.to_state())))
    assert restored.to_state() == meter.to_state()
    assert restored.resource_fields(ALICE, now_ms=T0 + 1) == meter.resource_fields(
        ALICE, now_ms=T0 + 1
    )


def test_zero_energy_price_makes_calls_free() -> None:
    meter, _, _ = make_meter(ChainParams(energy_fee_sun=0))
    charge = meter.energy(payer=ALICE, energy=130_000, fee_limit=0, now_ms=T0)
    assert (charge.energy_fee, charge.out_of_energy, charge.energy_usage_total) == (
        0,
        False,
        130_000,
    )
