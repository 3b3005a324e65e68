"""Book-transfer benchmark: customer → client transfers per second on PostgreSQL.

    python -m bench.ledger_transfers              # 500 transfers per scenario
    python -m bench.ledger_transfers --ops 100    # quicker look

Each transfer is one ``ledger_transfer_create`` call in its own transaction, as the API
makes it: the journal entry under the accounts' row locks, the ``LedgerTransfer`` row, an
audit row and the ``ledger_transfer.created`` event. Every transfer locks the paying
customer's account and the client's own available account, so transfers of one client
queue on that row whatever the customers; two clients do not. Scenarios, on fresh rows:

- ``one_thread_one_client``: one thread, every customer of one client;
- ``two_threads_one_client``: two threads (two connections) on one client's customers;
- ``two_threads_two_clients``: two threads, each on its own client's customers.

The run uses a throwaway database (``bench_ledger_<pid>``, like ``bench.ledger``), checks
at the end that every entry balances and every cached balance equals its postings, and
drops it. The last line printed is a JSON object: per scenario ``transfers_per_s`` and
``ms_each``; the statements one transfer sends (``statements``, independent of load);
the consistency check.
"""

from __future__ import annotations

import sys
from functools import partial
from typing import Any

from bench.ledger import Operation, run_checked, run_parallel, setup_django

SCENARIOS = (
    ("one_thread_one_client", 1, 1),
    ("two_threads_one_client", 2, 1),
    ("two_threads_two_clients", 2, 2),
)
FUNDING_SUN = 10_000_000
TRANSFER_SUN = 1_000


def _transfers(name: str, *, ops: int, clients: int) -> list[Operation]:
    """``ops`` transfers, each from its own funded customer, spread round-robin over
    ``clients`` clients (so thread t of 2 gets client t's customers)."""
    from lucid_payments.accounts.models import Customer
    from lucid_payments.accounts.services import client_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.services import ledger_credit
    from wallets.ledger_transfers import BookTransfer, ledger_transfer_create

    tenants = [client_create(name=f"{name}-{c}") for c in range(clients)]
    operations: list[Operation] = []
    for i in range(ops):
        tenant = tenants[i % clients]
        customer = Customer.objects.create(client=tenant, external_ref=f"{name}-{i}")
        ledger_credit(
            owner=LedgerOwner.customer(customer.pk, client_id=tenant.pk),
            asset=Asset.TRX,
            amount=FUNDING_SUN,
            reference=f"{name}:fund:{i}",
        )
        wanted = BookTransfer(customer, None, Asset.TRX, TRANSFER_SUN, f"{name}:{i}")
        operations.append(
            partial(
                ledger_transfer_create,
                client=tenant,
                wanted=wanted,
                actor=AuditActor.system("bench"),
            )
        )
    return operations


def scenario(name: str, *, ops: int, threads: int, clients: int) -> dict[str, Any]:
    operations = _transfers(name, ops=ops, clients=clients)
    seconds = run_parallel(operations, threads)
    result = {
        "threads": threads,
        "clients": clients,
        "transfers_per_s": round(ops / seconds, 1),
        "ms_each": round(1000 * seconds * threads / ops, 2),
    }
    print(f"{name:24} {result['transfers_per_s']:8.1f} transfers/s", flush=True)
    return result


def statements() -> int:
    """Statements one transfer sends, BEGIN and COMMIT included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warm, measured = _transfers("trips", ops=2, clients=1)
    warm()  # the client's account exists from now on, as it does in steady state
    with CaptureQueriesContext(connection) as captured:
        measured()
    return len(captured.captured_queries)


def _measure(ops: int) -> dict[str, Any]:
    figures = {name: scenario(name, ops=ops, threads=t, clients=c) for name, t, c in SCENARIOS}
    return {**figures, "statements": statements()}


def main(argv: list[str] | None = None) -> int:
    ops = (500, "transfers per scenario")
    return run_checked(argv, doc=__doc__, ops=ops, setup=setup_django, measure=_measure)


if __name__ == "__main__":
    sys.exit(main())
