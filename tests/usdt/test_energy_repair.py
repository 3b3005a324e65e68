"""Delegations never leak: a process killed with SIGKILL between delegating and reclaiming
leaves a delegation on chain; the repair task reclaims it. The repair is safe to run
twice, and it also undelegates a delegation on chain that no record explains."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from lucid_payments.tron.adapter.delegation import delegation_receivers, delegations
from lucid_payments.tron.adapter.node import get_node
from tests.tron.conftest import DevnetHandle
from tests.tron.scanner.test_killed_process import _database_url
from tests.usdt.conftest import SUN, staked_energy_wallet
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from tests.wallets.conftest import TEST_MASTER_KEY
from usdt.energy.repair import energy_delegations_repair
from usdt.models import DelegationStatus, EnergyDelegation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.devnet]

ROOT = Path(__file__).resolve().parents[2]
HOLDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def _wait_for_line(process: subprocess.Popen[str], expected: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.strip() == expected:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before {expected!r}")
    raise AssertionError(f"timed out waiting for {expected!r}")


def test_a_delegation_left_by_a_killed_process_is_reclaimed_by_the_repair(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    devnet.faucet(HOLDER, usdt=1)
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=2 * SUN, usdt=10 * SUN)
    energy_wallet = staked_energy_wallet(devnet, trx=10_000)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.test",
        "DATABASE_URL": _database_url(),
        "TRON_NETWORK": "devnet",
        "TRON_NODE_URLS": devnet.url,
        "LUCID_MASTER_KEY": TEST_MASTER_KEY,
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("crash_after_delegating.py")),
            hot["address"],
            HOLDER,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_for_line(worker, "delegated")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    node = get_node()
    delegation = EnergyDelegation.objects.get()
    assert delegation.status == DelegationStatus.DELEGATED
    assert delegations(node, source=energy_wallet.address, receiver=hot["address"]).energy_sun > 0

    # Before the bound nothing is touched: the send may still be coming.
    assert energy_delegations_repair(now=timezone.now()).released == []
    later = timezone.now() + timedelta(seconds=settings.ENERGY_DELEGATION_MAX_AGE_S + 1)
    first = energy_delegations_repair(now=later)
    second = energy_delegations_repair(now=later)  # safe twice: one reclaim
    assert first.released == [delegation.pk] and second.released == []
    assert second.orphans == []
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMING and delegation.reclaim_attempts == 1
    assert delegation.reclaim_outgoing_id is not None
    include(devnet, delegation.reclaim_outgoing_id)
    finalize(devnet, delegation.reclaim_outgoing_id)

    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMED
    assert delegations(node, source=energy_wallet.address, receiver=hot["address"]).energy_sun == 0
    assert delegation_receivers(node, energy_wallet.address) == []
