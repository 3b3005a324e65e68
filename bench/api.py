"""API load benchmark: the platform's busiest endpoints against a bare Django view, under
the same gunicorn, settings and load, in one run.

    python -m bench.api                       # 10 s per scenario, 8 connections
    python -m bench.api --seconds 4 --connections 4   # quicker look

One gunicorn (the image's config, ``--workers`` workers x 4 threads) serves payment-gateway's,
payout-router's and wallet-manager's routes plus ``/bench/bare`` (``bench/api_urls.py``)
against a throwaway database (``bench_gateway_<pid>``, dropped at the end). A bounded
asyncio load generator (``--connections`` keep-alive httpx connections, each sending its
next request as soon as the last one is answered) drives each scenario for ``--seconds``:
requests per second over the phase and p50 / p99 latency. ``ratio`` = the scenario's rate
/ the bare view's rate (the mean of a bare phase before and one after the scenarios, so
drift in the machine's load shows as the two bare figures differing). Goals: ≥ 0.4 for
writes, ≥ 0.6 for reads.

Scenarios are entries of ``SCENARIOS`` (a name, read or write, how to build each request).
Payout creation pays 1 USDT from the key's client's balance to one of 50 customers, to an
address in our custody (``payout_setup``), so no node is needed.

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.gateway import percentile, served

GOALS = {"read": 0.6, "write": 0.4}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    expect: int = 200


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # "read" or "write"
    # Builds request number n from what earlier phases left (e.g. invoice ids).
    request: Callable[[int, dict[str, list[str]]], Request]
    # Keep the ids its answers return, for later scenarios (key in the shared state).
    keeps: str | None = None


def _invoice_create(n: int, state: dict[str, list[str]]) -> Request:
    return Request(
        "POST",
        "/api/v1/invoices",
        {"asset": "USDT", "amount": "12.5", "order_id": f"bench-{n}"},
        {"Idempotency-Key": uuid.uuid4().hex},
        expect=201,
    )


def _checkout(n: int, state: dict[str, list[str]]) -> Request:
    invoices = state["invoices"]
    return Request("GET", f"/pay/{invoices[n % len(invoices)]}")


def _payout_create(n: int, state: dict[str, list[str]]) -> Request:
    customers, destinations = state["payout_customers"], state["payout_destinations"]
    return Request(
        "POST",
        "/api/v1/payouts",
        {
            "customer_id": int(customers[n % len(customers)]),
            "destination": destinations[n % len(destinations)],
            "asset": "USDT",
            "amount": "1",
            "reference": f"bench-{uuid.uuid4().hex}",
        },
        {"Idempotency-Key": uuid.uuid4().hex},
        expect=201,
    )


BARE = Scenario("bare", "read", lambda n, state: Request("GET", "/bench/bare"))
SCENARIOS = [
    Scenario("invoice_create", "write", _invoice_create, keeps="invoices"),
    Scenario("payout_create", "write", _payout_create),
    Scenario("balances", "read", lambda n, state: Request("GET", "/api/v1/balances")),
    Scenario("checkout_page", "read", _checkout),
]
PAYOUT_CUSTOMERS = 50


def payout_setup(key: str) -> dict[str, list[str]]:
    """What payout creation needs, written straight to the benchmark's database: the key's
    client funded with USDT, ``PAYOUT_CUSTOMERS`` customers without KYC (the V0 route; 1
    USDT each stays far inside its limits) and as many destinations in our custody
    (customers' deposit addresses of another client), so that no node is asked."""
    from lucid_payments.accounts.selectors import api_key_by_plaintext
    from lucid_payments.accounts.services import client_create, customer_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.services import ledger_credit
    from wallets.services import customer_deposit_address

    found = api_key_by_plaintext(key)
    assert found is not None
    client, actor = found.client, AuditActor.system("bench")
    ledger_credit(
        owner=LedgerOwner.client(client.pk),
        asset=Asset.USDT,
        amount=10**9 * 1_000_000,
        reference="bench:payouts",
    )
    receiver = client_create(name=f"{client.name}-receiver")
    customers, destinations = [], []
    for i in range(PAYOUT_CUSTOMERS):
        customers.append(str(customer_create(client=client, external_ref=f"c{i}", actor=actor).pk))
        other = customer_create(client=receiver, external_ref=f"r{i}", actor=actor)
        destinations.append(customer_deposit_address(customer=other)[0].address)
    return {"payout_customers": customers, "payout_destinations": destinations}


@dataclass
class Phase:
    requests: int
    wall_s: float
    latencies: list[float]

    def figures(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "rps": round(self.requests / self.wall_s, 1),
            "p50_ms": round(1000 * statistics.median(self.latencies), 2),
            "p99_ms": round(1000 * percentile(self.latencies, 0.99), 2),
        }


async def _drive(
    base: str,
    key: str,
    scenario: Scenario,
    state: dict[str, list[str]],
    connections: int,
    seconds: float,
) -> Phase:
    """``connections`` clients, each sending its next request when the last is answered,
    until ``seconds`` have passed (after a short warm-up that is not counted)."""
    latencies: list[float] = []
    kept: list[str] = []
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as http:

        async def one() -> float:
            request = scenario.request(next(counter), state)
            began = time.perf_counter()
            response = await http.request(
                request.method, request.path, json=request.body, headers=request.headers
            )
            elapsed = time.perf_counter() - began
            if response.status_code != request.expect:
                raise RuntimeError(
                    f"{scenario.name}: {request.method} {request.path} answered "
                    f"{response.status_code} {response.text[:200]}"
                )
            if scenario.keeps:
                kept.append(response.json()["id"])
            return elapsed

        async def client(until: float, record: bool) -> None:
            while time.perf_counter() < until:
                elapsed = await one()
                if record:
                    latencies.append(elapsed)

        warm_until = time.perf_counter() + min(1.0, seconds / 5)
        await asyncio.gather(*(client(warm_until, False) for _ in range(connections)))
        began = time.perf_counter()
        await asyncio.gather(*(client(began + seconds, True) for _ in range(connections)))
        wall = time.perf_counter() - began
    if scenario.keeps:
        state.setdefault(scenario.keeps, []).extend(kept)
    return Phase(len(latencies), wall, latencies)


def run(
    base: str, key: str, connections: int, seconds: float, state: dict[str, list[str]]
) -> dict[str, Any]:
    results: dict[str, Any] = {}

    def phase(scenario: Scenario, label: str) -> dict[str, float]:
        figures = asyncio.run(_drive(base, key, scenario, state, connections, seconds)).figures()
        print(
            f"{label}: {figures['rps']} /s, p50 {figures['p50_ms']} ms, "
            f"p99 {figures['p99_ms']} ms ({figures['requests']} requests)",
            flush=True,
        )
        return figures

    bare_before = phase(BARE, "bare (before)")
    measured = {scenario.name: phase(scenario, scenario.name) for scenario in SCENARIOS}
    bare_after = phase(BARE, "bare (after)")
    bare_rps = (bare_before["rps"] + bare_after["rps"]) / 2
    results["bare_before"], results["bare_after"] = bare_before, bare_after
    for scenario in SCENARIOS:
        figures = measured[scenario.name]
        ratio = round(figures["rps"] / bare_rps, 3)
        goal = GOALS[scenario.kind]
        results[scenario.name] = {**figures, "kind": scenario.kind, "ratio": ratio, "goal": goal}
        print(
            f"{scenario.name} ({scenario.kind}): ratio {ratio} "
            f"({'meets' if ratio >= goal else 'misses'} {goal})",
            flush=True,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)

    from lucid_payments.accounts.scopes import Scope

    results: dict[str, Any] = {
        "gunicorn_workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
    }
    scopes = [Scope.GATEWAY, Scope.WALLETS, Scope.PAYOUTS]
    with served(args.workers, "bench.api_settings", scopes) as (base, key):
        results |= run(base, key, args.connections, args.seconds, payout_setup(key))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
