"""Payout acceptance benchmark: ``payout_create`` calls per second on PostgreSQL.

    python -m bench.payout_accept             # 500 payouts per scenario
    python -m bench.payout_accept --ops 100   # quicker look

Each call is what ``POST /api/v1/payouts`` does after parsing: route, limit check under
the per-customer and per-destination locks, the hold of amount and fee, the payout row,
its audit row and its event, and the send enqueued for the worker. The destinations are
addresses in our custody, so no node is asked (a payout outside custody adds the node's
cost estimate, which this does not measure). Scenarios, each on one funded client:

- ``one_thread``: one thread, the payouts spread over 50 customers and 50 destinations;
- ``two_threads``: the same over two threads (two connections);
- ``two_threads_one_customer``: two threads, every payout for one customer to one address
  (they queue on its limit lock and its ledger account).

A throwaway database of its own (``bench_payouts_<pid>``), dropped at the end; the last
line is a JSON object with ``per_s`` per scenario, the statements one payout sends
(``statements``, independent of the machine's load) and a check that the ledger balances.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from typing import Any

from bench.gateway import BENCH_MASTER_KEY
from bench.ledger import Operation, run_checked, run_parallel

SCENARIOS = (("one_thread", 1, 50), ("two_threads", 2, 50), ("two_threads_one_customer", 2, 1))
UNIT = 1_000_000


def setup_django() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    os.environ.setdefault("LUCID_MASTER_KEY", BENCH_MASTER_KEY)  # seals the deposit wallet's seed
    import django

    django.setup()
    from django.db import connection
    from django_q.conf import Conf

    # The send is enqueued as in production (one row in the ORM broker), not run inline as
    # the test settings' sync mode would.
    Conf.SYNC = False
    connection.settings_dict["TEST"]["NAME"] = f"bench_payouts_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection


def _tenant(name: str, *, spread: int) -> tuple[Any, list[Any], list[str]]:
    """A client with plenty of USDT, ``spread`` customers and ``spread`` custody addresses
    (customers' deposit addresses of another client)."""
    from django.conf import settings

    from lucid_payments.accounts.services import client_create, customer_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.services import ledger_credit
    from wallets.services import customer_deposit_address

    settings.PAYOUT_V0_DAILY_LIMIT_USDT = 10**9  # the limits are checked, never reached
    actor = AuditActor.system("bench")
    client = client_create(name=name)
    receiver = client_create(name=f"{name}-receiver")
    ledger_credit(
        owner=LedgerOwner.client(client.pk),
        asset=Asset.USDT,
        amount=10**9 * UNIT,
        reference=f"bench:{name}",
    )
    customers = [
        customer_create(client=client, external_ref=f"c{i}", actor=actor) for i in range(spread)
    ]
    destinations = [
        customer_deposit_address(
            customer=customer_create(client=receiver, external_ref=f"r{i}", actor=actor)
        )[0].address
        for i in range(spread)
    ]
    return client, customers, destinations


def scenario(name: str, *, ops: int, threads: int, spread: int) -> dict[str, Any]:
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from payouts.services import payout_create

    client, customers, destinations = _tenant(name, spread=spread)
    calls: list[Operation] = [
        partial(
            payout_create,
            client=client,
            customer=customers[i % spread],
            destination=destinations[(i // spread) % spread],
            asset=Asset.USDT,
            amount=UNIT,
            reference=f"{name}-{i}",
            actor=AuditActor.system("bench"),
        )
        for i in range(ops)
    ]
    seconds = run_parallel(calls, threads)
    result = {"threads": threads, "customers": spread, "per_s": round(ops / seconds, 1)}
    print(f"{name:26} {result['per_s']:8.1f} payouts/s", flush=True)
    return result


def statements() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from payouts.services import payout_create

    client, customers, destinations = _tenant("statements", spread=1)
    with CaptureQueriesContext(connection) as captured:
        payout_create(
            client=client,
            customer=customers[0],
            destination=destinations[0],
            asset=Asset.USDT,
            amount=UNIT,
            reference="statements",
            actor=AuditActor.system("bench"),
        )
    return len(captured.captured_queries)


def _measure(ops: int) -> dict[str, Any]:
    figures = {name: scenario(name, ops=ops, threads=t, spread=s) for name, t, s in SCENARIOS}
    return {**figures, "statements": statements()}


def main(argv: list[str] | None = None) -> int:
    ops = (500, "payouts per scenario")
    return run_checked(argv, doc=__doc__, ops=ops, setup=setup_django, measure=_measure)


if __name__ == "__main__":
    sys.exit(main())
