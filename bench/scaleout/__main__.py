"""The scale-out run: the platform as several nodes on one machine, a money workload
across them while nodes are killed, exactly-once checks, then what scales.

    python -m bench.scaleout                  # ~2 min of workload, then the scaling figures
    python -m bench.scaleout --duration 30    # a quick look

Topology (bench/scaleout/topology.py): PostgreSQL (a throwaway database on the server the
settings name: DATABASE_URL or the local one), Redis (REDIS_URL, default
redis://127.0.0.1:6379/0; an empty database number is leased for the run), the devnet
(a block a second, solid 3 blocks behind), two copies each of payout-router,
wallet-manager and payment-gateway behind a round-robin balancer per service, two
``qcluster`` workers on the Redis broker and two ``scan`` processes (one active, one
standby). Every port is a free one.

Workload (bench/scaleout/workload.py), one thread per step for ``--duration`` seconds:
invoices created and paid on chain, customers with a deposit address and a deposit each,
TRX sent out of a hot wallet to fresh addresses, payouts of TRX and USDT on the v0 and the
kyc route to fresh addresses; every event goes to a local webhook
receiver that verifies signatures. Meanwhile one worker, one HTTP copy and the active
scanner are SIGKILLed at random moments (bench/scaleout/chaos.py). Then it waits until
everything issued has come through and checks: every invoice paid and its event once,
every deposit credited once (balance exact, one ``deposit.credited``), every transfer on
chain once (the destination holds exactly the amount) with one confirmation event, every
payout on chain once with one ``payout.confirmed`` (or failed with its hold released), every
event delivered at least once under its own ``webhook-id``, the standby scanner's
takeover time, and ``reconcile`` and ``ledger_verify`` passing.

Scaling (bench/scaleout/scaling.py): API requests/s through one payout-router copy and
through two; webhook deliveries/s and payouts/s draining a Redis backlog with one worker
and with two.

The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REDIS_DEFAULT = "redis://127.0.0.1:6379/0"
LAYOUT_SERVICES = {"payout-router": 2, "wallet-manager": 2, "payment-gateway": 2}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def scratch_server() -> Any:
    """Django set up only to find the PostgreSQL server the way the test suite does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    import django

    django.setup()
    from tests.deploy.support import scratch_database

    return scratch_database


def run_command(running: Any, *argv: str) -> dict[str, Any]:
    env = running.topology.base_env("check")
    env["DJANGO_SETTINGS_MODULE"] = "lucid_payments.settings.admin"
    done = subprocess.run(
        [sys.executable, "-m", "django", *argv],
        env=env,
        cwd=str(Path(__file__).resolve().parents[2]),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
    return {"returncode": done.returncode, "tail": tail}


def run_steps(ctx: Any, steps: list[Any], seconds: float, pause_s: float) -> dict[str, int]:
    errors: dict[str, int] = {step.name: 0 for step in steps}
    deadline = time.monotonic() + seconds

    def loop(step: Any) -> None:
        while time.monotonic() < deadline:
            try:
                step.issue(ctx)
            except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                errors[step.name] += 1
                say(f"{step.name}: {exc!r}"[:300])
            time.sleep(pause_s)

    threads = [threading.Thread(target=loop, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def settle(ctx: Any, steps: list[Any], timeout_s: float) -> float:
    from bench.scaleout.workload import webhooks_check

    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        done = [step.settled(ctx) for step in steps]
        if all(done) and webhooks_check(ctx)["missing"] == 0:
            break
        time.sleep(3)
    return round(time.monotonic() - started, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="workload seconds")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between a step's units")
    parser.add_argument("--settle-timeout", type=float, default=420)
    parser.add_argument("--scaling-seconds", type=float, default=20, help="per API figure")
    parser.add_argument("--scaling-threads", type=int, default=8)
    parser.add_argument("--scaling-events", type=int, default=120, help="per webhook figure")
    parser.add_argument(
        "--scaling-payouts", type=int, default=None, help="per payout figure (--scaling-events)"
    )
    parser.add_argument("--seed", type=int, default=None, help="for the random kills")
    parser.add_argument("--no-scaling", action="store_true")
    args = parser.parse_args(argv)

    redis_base = os.environ.get("REDIS_URL") or REDIS_DEFAULT
    from bench.scaleout.redis_lease import redis_reachable

    if unreachable := redis_reachable(redis_base):
        print(f"needs Redis: {unreachable}", file=sys.stderr)
        return 2
    scratch_database = scratch_server()

    from bench.scaleout.chain import Payers
    from bench.scaleout.chaos import Chaos
    from bench.scaleout.harness import Layout, running_layout
    from bench.scaleout.receiver import WebhookReceiver
    from bench.scaleout.scaling import api_scaling, payout_scaling, webhook_scaling
    from bench.scaleout.workload import STEPS, Context, Payouts, webhooks_check

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    summary: dict[str, Any] = {"duration_s": args.duration, "seed": seed}
    summary["load_start"] = load_average()
    receiver = WebhookReceiver().start()
    extra_receivers = [WebhookReceiver().start() for _ in range(2)]
    workdir = Path(tempfile.mkdtemp(prefix="lucid-scaleout-"))
    layout = Layout(services=LAYOUT_SERVICES, workers=2, scanners=2)
    say(f"starting the topology (logs in {workdir / 'logs'})")
    began = time.monotonic()
    with (
        scratch_database("lucid_scaleout") as database_url,
        running_layout(
            layout, database_url=database_url, redis_base_url=redis_base, workdir=workdir
        ) as running,
    ):
        summary["topology_up_s"] = round(time.monotonic() - began, 1)
        say(f"up in {summary['topology_up_s']} s")
        gateway = running.api("payment-gateway")
        made = gateway.call(
            "POST", "/api/v1/webhook-endpoints", {"url": receiver.url, "events": ["*"]}
        )
        receiver.secret = made.body["secret"]
        ctx = Context(running=running, receiver=receiver, payers=Payers(running.devnet.url))
        steps = [step() for step in STEPS]
        for step in steps:
            step.setup(ctx)
        deadline = time.monotonic() + 90
        while not all(step.ready(ctx) for step in steps) and time.monotonic() < deadline:
            time.sleep(1)

        say(f"workload for {args.duration} s, kills at random")
        chaos = Chaos(running, (0.1 * args.duration, 0.7 * args.duration), random.Random(seed))
        stop = threading.Event()
        chaos_thread = threading.Thread(target=chaos.run, args=(time.monotonic(), stop))
        chaos_thread.start()
        summary["issue_errors"] = run_steps(ctx, steps, args.duration, args.pause)
        chaos_thread.join()
        summary["kills"] = chaos.record
        summary["scanner_takeover_s"] = chaos.scanner_handover_s

        say("waiting for everything issued to come through")
        summary["settle_s"] = settle(ctx, steps, args.settle_timeout)
        for step in steps:
            summary[step.name] = step.check(ctx)
        summary["webhooks"] = webhooks_check(ctx)
        # A copy killed mid-request leaves its key "abandoned". The retry replays the
        # effect if the work had committed, or runs it again if it had not (it never
        # committed, so this is its only run; docs/scale-out.md). Counted, from the logs.
        logs = [
            node.log_path.read_text(errors="replace")
            for nodes in running.http.values()
            for node in nodes
        ]
        summary["abandoned_idempotency_keys"] = {
            "replayed": sum(log.count("was abandoned; replaying its effect") for log in logs),
            "run_again": sum(log.count("was abandoned; running it again") for log in logs),
        }
        summary["reconcile"] = run_command(running, "reconcile")
        summary["ledger_verify"] = run_command(running, "ledger_verify")
        summary["exactly_once"] = all(
            summary[name]["ok"] for name in [*(s.name for s in steps), "webhooks"]
        ) and (summary["reconcile"]["returncode"] == summary["ledger_verify"]["returncode"] == 0)
        say(f"exactly once: {summary['exactly_once']}")

        if not args.no_scaling:
            for node in chaos.killed:  # a supervisor brings the dead nodes back
                running.topology.restart(node)
            running.topology.wait_healthy([n for n in chaos.killed if n.health_path])
            for extra in extra_receivers:
                made = gateway.call(
                    "POST",
                    "/api/v1/webhook-endpoints",
                    {"url": extra.url, "events": ["invoice.created"]},
                )
                extra.secret = made.body["secret"]
            say("scaling: API requests per second, 1 copy then 2")
            summary["load_api"] = load_average()
            summary["api"] = api_scaling(
                running, threads=args.scaling_threads, seconds=args.scaling_seconds
            )
            say("scaling: webhook deliveries per second, 1 worker then 2")
            summary["load_webhooks"] = load_average()
            summary["webhooks_scaling"] = webhook_scaling(
                running,
                [receiver, *extra_receivers],
                events=args.scaling_events,
                timeout_s=180,
            )
            say("scaling: payouts per second, 1 worker then 2")
            summary["load_payouts"] = load_average()
            summary["payouts_scaling"] = payout_scaling(
                ctx,
                next(step for step in steps if isinstance(step, Payouts)),
                count=args.scaling_payouts or args.scaling_events,
                timeout_s=300,
            )
        summary["load_end"] = load_average()
    for server in [receiver, *extra_receivers]:
        server.stop()
    print(json.dumps(summary), flush=True)
    return 0 if summary["exactly_once"] else 1


if __name__ == "__main__":
    sys.exit(main())
