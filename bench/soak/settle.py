"""After the workload: wait until the platform has caught up with everything that
happened. Late payments still due are made; each movement out ends confirmed or failed;
every payment that is on chain is credited where it belongs; every event is acknowledged
by the receiver (which still fails a third of the time).

A delivery whose retries have reached the 5-minute step is redelivered through the API,
as a client whose receiver was down does, so that a short run need not wait hours of the
retry schedule."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.soak.amounts import base_units
from bench.soak.chain import ChainView, chain_view
from bench.soak.observe import (
    TERMINAL,
    all_events,
    all_invoices,
    all_sweeps,
    customer_available,
    pending_deliveries,
    refresh_outgoing,
)
from bench.soak.receiver import FlakyReceiver
from bench.soak.stack import RunningStack
from bench.soak.state import SoakState

POLL_S = 3.0
OPEN_SWEEPS = frozenset({"pending", "funding", "sending"})
# Redelivered: a delivery whose next try is further away than this (the schedule's
# 5-minute step). One that is overdue (its task died with a killed worker, or the worker
# is behind) is left to the worker's once-a-minute sweep.
REDELIVER_BEYOND = timedelta(seconds=20)


@dataclass(frozen=True)
class Settled:
    complete: bool
    seconds: float
    redelivered: int
    waiting_for: list[str]


def token_address(stack: RunningStack) -> str:
    import httpx

    return str(httpx.get(f"{stack.devnet_url}/devnet/accounts", timeout=30).json()["token_address"])


def on_chain_sum(view: ChainView, payments: list) -> int:  # type: ignore[type-arg]
    return sum(p.amount for p in payments if p.txid in view.txids)


def _unsettled(state: SoakState, view: ChainView, receiver: FlakyReceiver) -> list[str]:
    waiting: list[str] = []
    events = all_events(state.apis.gateway, since=state.events_since)
    refresh_outgoing(state, events)
    waiting += [f"{o.kind} {o.id}: {o.status}" for o in state.outgoing if o.status not in TERMINAL]
    invoices = all_invoices(state.apis.gateway)
    for record in state.invoices:
        credited = base_units(invoices[record.id]["paid_amount"]["amount"])
        if credited != on_chain_sum(view, record.payments):
            waiting.append(f"invoice {record.id}: {credited} credited")
    for deposit in state.deposits.values():
        credited = customer_available(state.apis.wallets, deposit.customer_id, deposit.asset)
        if credited != on_chain_sum(view, deposit.payments):
            waiting.append(f"customer {deposit.customer_id}: {credited} credited")
    sweeping = [s["id"] for s in all_sweeps(state.apis.gateway) if s["status"] in OPEN_SWEEPS]
    if sweeping:
        waiting.append(f"{len(sweeping)} sweeps open")
    # The events again, read last: a change seen above as done (a sweep that completed
    # after the first read) wrote its event after that read, and it must be acknowledged
    # too before the run counts as settled.
    events = all_events(state.apis.gateway, since=state.events_since)
    unacknowledged = [e["id"] for e in events if e["id"] not in receiver.acknowledged]
    if unacknowledged:
        waiting.append(f"{len(unacknowledged)} events not acknowledged")
    return waiting


def _redeliver_stuck(state: SoakState, receiver: FlakyReceiver) -> int:
    endpoint_id = state.endpoint_id
    now = datetime.now(UTC)
    count = 0
    for delivery in pending_deliveries(state.apis.gateway, endpoint_id):
        next_try = delivery.get("next_attempt_at")
        if delivery["event_id"] in receiver.acknowledged or next_try is None:
            continue
        wait = datetime.fromisoformat(next_try.replace("Z", "+00:00")) - now
        if wait > REDELIVER_BEYOND:
            path = f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery['id']}/redeliver"
            state.apis.gateway.post(path)
            count += 1
    return count


def settle(
    state: SoakState,
    stack: RunningStack,
    receiver: FlakyReceiver,
    timeout_s: float,
    report: Callable[[str], None],
) -> Settled:
    started = time.monotonic()
    while state.scheduled:
        state.run_due()
        time.sleep(0.5)
    token = token_address(stack)
    redelivered = 0
    waiting: list[str] = ["not looked yet"]
    last_report = 0.0
    while time.monotonic() - started < timeout_s:
        view = chain_view(stack.devnet_url, token)
        waiting = _unsettled(state, view, receiver)
        if not waiting:
            break
        redelivered += _redeliver_stuck(state, receiver)
        if time.monotonic() - last_report > 15:
            last_report = time.monotonic()
            report(f"soak: settling, waiting for {len(waiting)}: {'; '.join(waiting[:3])}")
        time.sleep(POLL_S)
    return Settled(not waiting, time.monotonic() - started, redelivered, waiting)
