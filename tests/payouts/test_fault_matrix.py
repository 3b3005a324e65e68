"""The payout fault matrix on the devnet: seeded random schedules, each a TRX payout plus
a fault plan drawn from a dropped broadcast, SERVER_BUSY, HTTP 503s, the worker killed
between sign and broadcast (its copy stored, never sent), a duplicate run of every step,
a fork that removes the including block, and the hot wallet empty then refilled.

Every payout must end confirmed with its transaction on the devnet's chain exactly once
(the recipient's balance to the SUN), or failed with nothing on chain and its hold
released; at the end every hold is closed and ``reconcile`` finds chain and ledger equal.

``FAULT_SCHEDULES=N`` runs N schedules (200 by default); a failing schedule prints its
seed, and ``FAULT_SEED=S`` runs that one schedule alone.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.accounts.models import Customer
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.models import OutgoingStatus
from lucid_payments.tron.outgoing.steps import (
    outgoing_broadcast,
    outgoing_process,
    outgoing_sign,
    outgoing_sweep,
)
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.selectors import outgoing_get
from lucid_payments.tron.signing import PrivateKeySigner
from payouts.models import Payout, PayoutFunding, PayoutStatus
from payouts.sending import payout_send
from payouts.services import payout_create
from tests.payouts.conftest import UNIT, Tenant, keyed_tenant
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import transfers_on_chain, trx_balance
from tests.wallets.chain_helpers import funded_hot_wallet, run_reconcile
from wallets.models.ledger import Hold
from wallets.services import customer_deposit_address

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

FAULTS = ("drop", "busy", "http_503", "killed_after_sign", "duplicate", "fork", "empty_wallet")
# Two devnet blocks: a dropped copy is proven dead, and rebuilt, within a few blocks.
SHORT_EXPIRATION_MS = 6_000
MAX_ROUNDS = 14
# Schedules that share the devnet at once: their faults hit whichever of them comes first.
WAVE = 20
ACTOR = AuditActor.system("tests.fault_matrix")


@dataclass
class Schedule:
    seed: int
    faults: list[str]
    amount: int
    recipient: str
    notes: list[str] = field(default_factory=list)

    @classmethod
    def drawn(cls, seed: int) -> Schedule:
        rng = random.Random(seed)
        faults = sorted(rng.sample(FAULTS, k=rng.randint(1, 3)))
        amount = rng.randint(1, 4) * UNIT + rng.randint(0, UNIT - 1)
        key = hashlib.sha256(f"payout-fault-matrix:{seed}".encode()).digest()
        return cls(seed, faults, amount, PrivateKeySigner(key).address)

    def __str__(self) -> str:
        return f"FAULT_SEED={self.seed} faults={self.faults} amount={self.amount}"


@dataclass
class Platform:
    devnet: DevnetHandle
    funded: Tenant  # its hot wallet holds plenty on chain
    funded_customer: Customer
    thin: Tenant  # its hot wallet is empty until refilled; its customer pays
    thin_customer: Customer
    thin_wallet: str


def _platform(devnet: DevnetHandle) -> Platform:
    funded = keyed_tenant()
    funded_hot_wallet(devnet, funded.api, funded.client.pk, trx=1_500 * UNIT)
    thin = keyed_tenant()
    wallet = thin.api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    customer = thin.customer()
    deposit, _ = customer_deposit_address(customer=customer)
    devnet.faucet(deposit.address, trx=1_000 * UNIT)  # credited to the customer when final
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())
    assert thin.balance(Asset.TRX, customer) == (1_000 * UNIT, 0)
    return Platform(devnet, funded, funded.customer(), thin, customer, wallet["address"])


def _accept(platform: Platform, schedule: Schedule) -> Payout:
    empty = "empty_wallet" in schedule.faults
    tenant = platform.thin if empty else platform.funded
    return payout_create(
        client=tenant.client,
        customer=platform.thin_customer if empty else platform.funded_customer,
        destination=schedule.recipient,
        asset=Asset.TRX,
        amount=schedule.amount,
        reference=f"matrix-{schedule.seed}",
        funding=PayoutFunding.CUSTOMER if empty else PayoutFunding.CLIENT,
        actor=ACTOR,
    ).payout


def _refill_and_start(platform: Platform, wave: list[Schedule], payouts: list[Payout]) -> None:
    """The empty hot wallet delays its payouts (once each); one refill sends them all."""
    empty = [p for s, p in zip(wave, payouts, strict=True) if "empty_wallet" in s.faults]
    if not empty:
        return
    for payout in empty:
        assert payout_send(payout_id=payout.pk) == PayoutStatus.QUEUED
        payout.refresh_from_db()
        assert payout.delayed_since is not None
    refill = sum(p.amount + (p.network_cost_estimate_sun or 0) for p in empty)
    platform.devnet.faucet(platform.thin_wallet, trx=refill)
    platform.devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())


def _start(schedule: Schedule, payout: Payout) -> int:
    assert payout_send(payout_id=payout.pk) == PayoutStatus.SENDING
    if "duplicate" in schedule.faults:
        assert payout_send(payout_id=payout.pk) == PayoutStatus.SENDING
    payout.refresh_from_db()
    assert payout.outgoing_id is not None
    return payout.outgoing_id


def _inject(devnet: DevnetHandle, wave: list[Schedule], outgoing_ids: list[int]) -> None:
    """Kill the worker after sign where drawn; then arm the wave's network faults, which
    hit whichever of its broadcasts and reads come first."""
    spec: dict[str, int] = {"drop_broadcasts": 0, "server_busy": 0, "http_503": 0}
    expire = False
    for schedule, outgoing_id in zip(wave, outgoing_ids, strict=True):
        rng = random.Random(schedule.seed ^ 0x5EED)
        if "killed_after_sign" in schedule.faults:
            stored = outgoing_sign(outgoing_id, node=get_node())  # ...and the worker dies
            assert stored is not None and stored.broadcast_count == 0
            expire = expire or rng.random() < 0.3
        spec["drop_broadcasts"] += rng.randint(1, 2) if "drop" in schedule.faults else 0
        spec["server_busy"] += rng.randint(1, 5) if "busy" in schedule.faults else 0
        spec["http_503"] += rng.randint(1, 8) if "http_503" in schedule.faults else 0
    if expire:  # dead long enough for the stored copies to expire unsent
        devnet.mine(3 + SOLID_LAG)
    faults: dict[str, object] = {k: v for k, v in spec.items() if v and k != "http_503"}
    if spec["http_503"]:
        faults["http_error"] = {"status": 503, "requests": spec["http_503"]}
    if faults:
        devnet.faults(**faults)


def _status(outgoing_id: int) -> str:
    outgoing = outgoing_get(outgoing_id=outgoing_id)
    assert outgoing is not None
    return str(outgoing.status)


ENDED = (OutgoingStatus.FINAL, OutgoingStatus.FAILED)


def _drive(devnet: DevnetHandle, wave: list[Schedule], outgoing_ids: list[int]) -> bool:
    """Process every transaction of the wave, then mine one block, until all ended: one
    round by one (``outgoing_process``), the next all at once (``outgoing_sweep``, which
    finds them by block). The first time a transaction of a fork schedule is seen in a
    block (the one just mined), that block is forked away."""
    fork_pending = any("fork" in s.faults for s in wave)
    status = {oid: _status(oid) for oid in outgoing_ids}
    for round_number in range(MAX_ROUNDS):
        swept = round_number % 2 == 1
        if swept:
            outgoing_sweep()
        for schedule, oid in zip(wave, outgoing_ids, strict=True):
            if status[oid] in ENDED:
                continue
            before = status[oid]
            if not swept:
                outgoing_process(oid)
            status[oid] = _status(oid)
            if "duplicate" in schedule.faults and before != status[oid]:
                # A second worker's late copy of the step just taken.
                outgoing_broadcast(oid, node=get_node(), now=timezone.now())
                outgoing_process(oid)
                status[oid] = _status(oid)
            newly_included = before != OutgoingStatus.CONFIRMED == status[oid]
            if fork_pending and newly_included and "fork" in schedule.faults:
                devnet.fork(1)
                fork_pending = False
                schedule.notes.append("forked")
        if all(s in ENDED for s in status.values()):
            return True
        # Once every one left is in a block (and no fork is pending), solidify at once.
        waiting = [s for s in status.values() if s not in ENDED]
        settled = not fork_pending and all(s == OutgoingStatus.CONFIRMED for s in waiting)
        devnet.mine(SOLID_LAG if settled else 1)
    return False


def _check(platform: Platform, schedule: Schedule, payout: Payout) -> None:
    payout.refresh_from_db()
    hold = Hold.objects.get(reference=payout.ledger_reference)
    on_chain = transfers_on_chain(platform.devnet, schedule.recipient)
    if payout.status == PayoutStatus.CONFIRMED:
        assert on_chain == [payout.txid], on_chain
        assert trx_balance(schedule.recipient) == schedule.amount
        assert hold.status == "settled"
    else:
        assert payout.status == PayoutStatus.FAILED, payout.status
        assert on_chain == [] and trx_balance(schedule.recipient) == 0
        assert hold.status == "released"


def _run(platform: Platform, wave: list[Schedule]) -> None:
    try:
        payouts = [_accept(platform, schedule) for schedule in wave]
        _refill_and_start(platform, wave, payouts)
        outgoing_ids = [_start(s, p) for s, p in zip(wave, payouts, strict=True)]
        _inject(platform.devnet, wave, outgoing_ids)
        ended = _drive(platform.devnet, wave, outgoing_ids)
        platform.devnet.clear_faults()
        assert ended or _drive(platform.devnet, wave, outgoing_ids), "not ended"
        for schedule, payout in zip(wave, payouts, strict=True):
            try:
                _check(platform, schedule, payout)
            except BaseException:
                print(f"\nfailing payout schedule: {schedule} {schedule.notes}")
                raise
    except BaseException:
        platform.devnet.clear_faults()
        print(f"\nin the wave of FAULT_SEED={wave[0].seed}: {[str(s) for s in wave]}")
        raise


def _waves() -> list[list[Schedule]]:
    """Consecutive seeds, ``WAVE`` schedules to a wave; ``FAULT_SEED`` reruns one wave."""
    if os.environ.get("FAULT_SEED"):
        first = int(os.environ["FAULT_SEED"])
        return [[Schedule.drawn(first + n) for n in range(WAVE)]]
    base = int(os.environ.get("FAULT_BASE_SEED", "20261206"))
    seeds = [base + n for n in range(int(os.environ.get("FAULT_SCHEDULES", "200")))]
    return [
        [Schedule.drawn(seed) for seed in seeds[i : i + WAVE]] for i in range(0, len(seeds), WAVE)
    ]


# Hundreds of payouts through every step on one devnet: more than the suite's default
# per-test timeout on a busy machine (FAULT_SCHEDULES sets the work, and so the time).
@pytest.mark.heavy(minutes=5)
@pytest.mark.timeout(1800)
def test_every_payout_ends_once_on_chain_or_released_whatever_fails(
    devnet: DevnetHandle, settings: SettingsWrapper
) -> None:
    settings.TRON_TX_EXPIRATION_MS = SHORT_EXPIRATION_MS
    settings.TRON_TX_REBROADCAST_S = 0  # re-send on every check: the test drives time
    settings.TRON_NODE_BACKOFF_MAX_S = 0.01  # 503s and SERVER_BUSY: retry at once
    platform = _platform(devnet)
    waves = _waves()

    for wave in waves:
        _run(platform, wave)

    schedules = [schedule for wave in waves for schedule in wave]
    ended = Payout.objects.filter(reference__startswith="matrix-")
    assert ended.count() == len(schedules)
    assert not Hold.objects.filter(reference__startswith="payout:", status="held").exists()
    seen = {fault for schedule in schedules for fault in schedule.faults}
    assert len(schedules) < 50 or seen == set(FAULTS)
    verdict = run_reconcile()
    assert verdict.returncode == 0, verdict.output + verdict.error
