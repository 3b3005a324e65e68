"""One soak run: start the stack, set the client up, run the workload while faults are
injected, let everything settle, then check money and events (bench.soak.checks)."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.soak.amounts import UNIT, base_units
from bench.soak.api import Api, ApiFailure
from bench.soak.checks import check_everything
from bench.soak.faults import FAULTS
from bench.soak.receiver import FlakyReceiver
from bench.soak.settle import settle
from bench.soak.stack import RunningStack, StackSettings, running_stack
from bench.soak.state import Apis, SoakState
from bench.soak.workloads import WORKLOADS

Report = Callable[[str], None]
HOT_WALLET_TRX = 50_000 * UNIT
HOT_WALLET_USDT = 1_000_000 * UNIT
FEE_WALLET_TRX = 20_000 * UNIT
STACK_ENV = {
    # A short run sees a dropped broadcast re-sent within seconds.
    "TRON_TX_REBROADCAST_S": "5",
    # From the first block, not from the head when the scanner first runs: on a busy
    # machine its first pass can come after the hot wallet's funding is in a block.
    "TRON_SCAN_START_BLOCK": "1",
}


@dataclass(frozen=True)
class SoakOptions:
    minutes: float
    seed: int
    database_server: str
    workdir: Path
    # Seconds between faults: drawn uniformly from this range.
    fault_every_s: tuple[float, float] = (4.0, 10.0)
    # Pause between workload steps: a pace two shared cores keep up with (the soak proves
    # correctness under faults; throughput is bench.scaleout's and bench.gateway's).
    step_pause_s: float = 1.0
    # A task a killed worker had taken comes back after the broker's retry (360 s).
    settle_timeout_s: float = 600.0
    # HTTP services to start (None: every one, as ``make up``); a short run may leave out
    # those the workload never calls.
    services: tuple[str, ...] | None = None


# What the workload calls; everything else of the stack only adds load.
WORKLOAD_SERVICES = ("payment-gateway", "wallet-manager", "usdt-manager", "payout-router")


def _apis(stack: RunningStack) -> Apis:
    return Apis(
        gateway=Api(stack.url("payment-gateway"), stack.api_key),
        wallets=Api(stack.url("wallet-manager"), stack.api_key),
        usdt=Api(stack.url("usdt-manager"), stack.api_key),
        accounts=Api(stack.url("payout-router"), stack.api_key),
    )


def _register_receiver(apis: Apis, receiver: FlakyReceiver) -> tuple[str, str]:
    body = {"url": receiver.url, "events": ["*"], "description": "soak receiver"}
    reply = apis.gateway.post("/api/v1/webhook-endpoints", body)
    if reply.status != 201:
        raise ApiFailure(f"webhook endpoint: {reply.status} {reply.body}")
    receiver.secret = reply.body["secret"]
    return str(reply.body["id"]), str(reply.body["created_at"])


def _client_available(apis: Apis) -> dict[str, int]:
    balances = apis.wallets.get("/api/v1/balances")["balances"]
    return {b["asset"]: base_units(b["available"]["amount"]) for b in balances}


def _funded_hot_wallet(apis: Apis, devnet: httpx.Client, report: Report) -> tuple[int, str]:
    """A hot wallet the client funds from outside: credited by the platform once final."""
    reply = apis.wallets.post("/api/v1/wallets", {"kind": "hot", "label": "soak hot"})
    if reply.status != 201:
        raise ApiFailure(f"hot wallet: {reply.status} {reply.body}")
    wallet_id, address = int(reply.body["id"]), str(reply.body["address"])
    body = {"address": address, "trx": HOT_WALLET_TRX, "usdt": HOT_WALLET_USDT}
    devnet.post("/devnet/faucet", json=body).raise_for_status()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        available = _client_available(apis)
        funded = {"TRX": HOT_WALLET_TRX, "USDT": HOT_WALLET_USDT}
        if all(available.get(asset, 0) >= amount for asset, amount in funded.items()):
            report("soak: hot wallet funded and credited")
            return wallet_id, address
        time.sleep(1)
    raise ApiFailure(f"the hot wallet's funding was not credited: {_client_available(apis)}")


def _funded_fee_wallet(apis: Apis, devnet: httpx.Client) -> None:
    """The client's fee wallet: its TRX pays the energy of USDT sweeps."""
    reply = apis.wallets.post("/api/v1/wallets", {"kind": "fee", "label": "soak fee"})
    if reply.status != 201:
        raise ApiFailure(f"fee wallet: {reply.status} {reply.body}")
    body = {"address": reply.body["address"], "trx": FEE_WALLET_TRX}
    devnet.post("/devnet/faucet", json=body).raise_for_status()


def _inject_faults(
    stack: RunningStack,
    options: SoakOptions,
    rng: random.Random,
    stop: threading.Event,
    injected: Counter[str],
    report: Report,
) -> None:
    """Every fault at least once (in a random order), then random ones, until stopped."""
    order = list(FAULTS)
    rng.shuffle(order)
    # Closer together while the first round lasts, so that a short run sees every kind.
    first_round_gap_s = options.minutes * 60 / (len(FAULTS) + 1)
    with httpx.Client(base_url=stack.devnet_url, timeout=30.0) as devnet:
        while True:
            gap_s = rng.uniform(*options.fault_every_s)
            if stop.wait(min(gap_s, first_round_gap_s) if order else gap_s):
                return
            names = list(FAULTS)
            weights = [FAULTS[name].weight for name in names]
            name = order.pop() if order else rng.choices(names, weights)[0]
            what = FAULTS[name].inject(stack, devnet, rng)
            injected[name] += 1
            report(f"soak: fault: {what}")


def _run_workload(state: SoakState, options: SoakOptions, report: Report) -> None:
    names = list(WORKLOADS)
    weights = [WORKLOADS[name].weight for name in names]
    # Every kind once first, so that even a short run exercises each.
    first = names[:]
    state.rng.shuffle(first)
    deadline = time.monotonic() + options.minutes * 60
    last_report = time.monotonic()
    while time.monotonic() < deadline:
        state.run_due()
        first_round = bool(first)
        name = first.pop() if first_round else state.rng.choices(names, weights)[0]
        if not first_round and WORKLOADS[name].lead_s > deadline - time.monotonic():
            continue
        WORKLOADS[name].step(state)
        state.steps[name] += 1
        if time.monotonic() - last_report > 15:
            last_report = time.monotonic()
            left = int(deadline - time.monotonic())
            report(f"soak: {sum(state.steps.values())} steps, {left} s of workload left")
        time.sleep(options.step_pause_s)


@contextmanager
def _faults_running(
    stack: RunningStack, options: SoakOptions, rng: random.Random, report: Report
) -> Iterator[Counter[str]]:
    injected: Counter[str] = Counter()
    stop = threading.Event()
    thread = threading.Thread(
        target=_inject_faults, args=(stack, options, rng, stop, injected, report), daemon=True
    )
    thread.start()
    try:
        yield injected
    finally:
        stop.set()
        thread.join()
        with httpx.Client(base_url=stack.devnet_url, timeout=30.0) as devnet:
            devnet.delete("/devnet/faults").raise_for_status()


def soak_run(options: SoakOptions, report: Report = print) -> dict[str, Any]:
    """Run the soak and answer its summary (``ok`` says whether every invariant held)."""
    rng = random.Random(options.seed)
    started = time.monotonic()
    settings = StackSettings(
        options.database_server, options.workdir, STACK_ENV, services=options.services
    )
    with running_stack(settings, report=report) as stack:
        stack_up_s = time.monotonic() - started
        report(f"soak: stack up in {stack_up_s:.1f} s (port offset {stack.options.port_offset})")
        receiver = FlakyReceiver(random.Random(rng.random()))
        receiver.start()
        apis = _apis(stack)
        devnet = httpx.Client(base_url=stack.devnet_url, timeout=30.0)
        try:
            endpoint_id, registered_at = _register_receiver(apis, receiver)
            _funded_fee_wallet(apis, devnet)
            wallet_id, hot_address = _funded_hot_wallet(apis, devnet, report)
            state = SoakState(
                apis,
                devnet,
                rng,
                wallet_id,
                hot_address,
                stack.kyc_customer_id,
                endpoint_id,
                registered_at,
            )
            workload_started = time.monotonic()
            with _faults_running(stack, options, random.Random(rng.random()), report) as injected:
                _run_workload(state, options, report)
            workload_s = time.monotonic() - workload_started
            report("soak: workload done; waiting for everything to settle")
            settled = settle(state, stack, receiver, options.settle_timeout_s, report)
            summary = check_everything(state, stack, receiver, report)
            summary.update(
                {
                    "minutes": options.minutes,
                    "seed": options.seed,
                    "stack_up_s": round(stack_up_s, 1),
                    "workload_s": round(workload_s, 1),
                    "settle_s": round(settled.seconds, 1),
                    "settled": settled.complete,
                    "redelivered": settled.redelivered,
                    "steps": dict(state.steps),
                    "refused": dict(state.refused),
                    "faults": dict(injected),
                    "restarts": {k: v for k, v in stack.restarts().items() if v},
                }
            )
            summary["ok"] = bool(summary["ok"] and settled.complete)
            summary["total_s"] = round(time.monotonic() - started, 1)
            return summary
        finally:
            devnet.close()
            apis.close()
            receiver.stop()
