"""Payout-router benchmark: payouts per second end to end on the devnet, from accepted to
confirmed (final on chain, the hold settled and the network fee booked).

    python -m bench.payouts                          # 300 TRX payouts, 4 worker processes
    python -m bench.payouts --payouts 60 --workers 2  # quicker look

A throwaway database (``bench_payouts_<pid>``, dropped at the end) and a devnet on a free
port in this process, producing a block every ``--block-time`` seconds (solidified 3
blocks behind, as in the tests). One client's hot wallet is funded on chain through the
scanner. Then ``--workers`` processes, each a worker of the platform, accept their share of
the payouts (``payout_create``: limits, hold, events), and send them (django-q runs inline
in these settings, so acceptance hands each payout straight to ``payout_send`` and the
outgoing machinery signs and broadcasts it), then track their transactions until every
payout is confirmed. The figure is ``payouts_per_s`` = payouts / wall time from the first
acceptance to the last confirmation; ``latency_p50_s`` / ``latency_p95_s`` are per payout.

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from typing import Any

from bench.gateway import database_url, setup_database

UNIT = 1_000_000
SOLID_LAG = 3


def _setup_platform(node_url: str, payouts: int) -> tuple[int, int, list[str]]:
    """(client id, customer id, destinations): a client whose hot wallet holds enough TRX
    on chain and on the ledger, credited by the scanner like any deposit."""
    import httpx
    from django.conf import settings

    from lucid_payments.accounts.services import client_create, customer_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from lucid_payments.tron.adapter.node import reset_node
    from lucid_payments.tron.scanner import BlockScanner, scan_once
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.selectors import owner_balances
    from wallets.models.wallets import WalletKind
    from wallets.services import wallet_create

    settings.TRON_NODE_URLS = [node_url]
    settings.TRON_NODE_URL = node_url
    settings.TRON_SCAN_START_BLOCK = 0
    reset_node()
    client = client_create(name=f"bench-payouts-{os.getpid()}")
    customer = customer_create(
        client=client, external_ref="bench", actor=AuditActor.system("bench")
    )
    wallet = wallet_create(kind=WalletKind.HOT, client=client)
    need = payouts * 2 * UNIT + 100 * UNIT
    accounts = httpx.get(f"{node_url}/devnet/accounts", timeout=10).json()["accounts"]
    httpx.post(
        f"{node_url}/devnet/faucet", json={"address": wallet.address, "trx": need}, timeout=10
    ).raise_for_status()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        scan_once(BlockScanner())
        balances = {
            b.asset: b.available for b in owner_balances(owner=LedgerOwner.client(client.pk))
        }
        if balances.get(Asset.TRX, 0) >= need:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("the hot wallet's funding was not credited within a minute")
    # Genesis accounts exist already: no activation, the ordinary bandwidth cost.
    destinations = [a["address"] for a in accounts[1:-1]]
    return client.pk, customer.pk, destinations


def _worker(
    shard: int, count: int, env: dict[str, str], ids: tuple[int, int], destinations: list[str]
) -> list[float]:
    """One platform worker: accept ``count`` payouts, then follow them to the end.
    Returns each payout's seconds from acceptance to confirmation."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    from lucid_payments.accounts.models import Client, Customer
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from lucid_payments.tron.adapter.node import reset_node
    from lucid_payments.tron.outgoing.steps import outgoing_process
    from payouts.models import Payout, PayoutStatus
    from payouts.sending import payout_send
    from payouts.services import payout_create

    settings.TRON_NODE_URLS = [env["TRON_NODE_URL"]]
    settings.TRON_TX_REBROADCAST_S = 5
    reset_node()
    client = Client.objects.get(pk=ids[0])
    customer = Customer.objects.get(pk=ids[1])
    actor = AuditActor.system("bench.payouts")
    accepted: dict[int, float] = {}
    for n in range(count):
        payout = payout_create(
            client=client,
            customer=customer,
            destination=destinations[(shard + n) % len(destinations)],
            asset=Asset.TRX,
            amount=UNIT + shard * 10_000 + n,
            reference=f"bench-{shard}-{n}",
            actor=actor,
        ).payout
        accepted[payout.pk] = time.time()
    latencies: list[float] = []
    pending = dict(accepted)
    while pending:
        rows = Payout.objects.filter(pk__in=list(pending)).values_list(
            "pk", "status", "outgoing_id"
        )
        for pk, status, outgoing_id in rows:
            if status in (PayoutStatus.CONFIRMED, PayoutStatus.FAILED):
                if status == PayoutStatus.FAILED:
                    raise RuntimeError(f"payout {pk} failed")
                latencies.append(time.time() - pending.pop(pk))
            elif status == PayoutStatus.QUEUED:
                payout_send(payout_id=pk)
            elif outgoing_id is not None:
                outgoing_process(outgoing_id)
        if pending:
            time.sleep(0.2)
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=300, help="payouts in all (300)")
    parser.add_argument("--workers", type=int, default=4, help="worker processes (4)")
    parser.add_argument(
        "--block-time", type=float, default=1.0, help="seconds between devnet blocks (1.0)"
    )
    args = parser.parse_args(argv)
    connection, db_name = setup_database()
    from devnet.testing import running_devnet

    try:
        with running_devnet(block_time=args.block_time, solid_lag=SOLID_LAG) as chain:
            client_id, customer_id, destinations = _setup_platform(chain.url, args.payouts)
            print(f"funded; {args.payouts} payouts over {args.workers} workers", file=sys.stderr)
            env = {
                "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.test",
                "DATABASE_URL": database_url(db_name),
                "TRON_NODE_URL": chain.url,
                "TRON_NETWORK": "devnet",
                "LUCID_MASTER_KEY": os.environ["LUCID_MASTER_KEY"],
            }
            shares = [args.payouts // args.workers] * args.workers
            for extra in range(args.payouts % args.workers):
                shares[extra] += 1
            context = multiprocessing.get_context("spawn")
            started = time.time()
            with context.Pool(args.workers) as pool:
                results = pool.starmap(
                    _worker,
                    [
                        (shard, share, env, (client_id, customer_id), destinations)
                        for shard, share in enumerate(shares)
                    ],
                )
            wall = time.time() - started
    finally:
        connection.close()
        connection.creation.destroy_test_db(db_name, verbosity=0)
    latencies = sorted(seconds for shard in results for seconds in shard)
    figures: dict[str, Any] = {
        "payouts": len(latencies),
        "workers": args.workers,
        "block_time_s": args.block_time,
        "wall_s": round(wall, 2),
        "payouts_per_s": round(len(latencies) / wall, 2),
        "latency_p50_s": round(statistics.median(latencies), 2),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
