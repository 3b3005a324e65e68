"""Ledger benchmark: postings per second on PostgreSQL.

    python -m bench.ledger              # 1,000 of each operation per scenario
    python -m bench.ledger --ops 200    # quicker look

Each operation is one service call in its own transaction, as the API and the workers make
them: ``ledger_credit`` (custody → available), ``ledger_hold`` (available → held) and
``ledger_settle`` (held → custody). Four scenarios, each on fresh accounts:

- ``one_thread_hot``: one thread, every operation on the same client account;
- ``one_thread_many``: one thread, every operation on a different customer's account;
- ``two_threads_hot``: two threads (two connections) on the same client account;
- ``two_threads_many``: two threads, each on its own customers' accounts.

Credits and settles always touch the platform's custody account too, so even "many
accounts" shares one row lock for those two; holds touch only the owner's own accounts.
The run uses a throwaway database of its own (``bench_ledger_<pid>``), checks at the end
that every entry balances and every cached balance equals its postings, and drops it.

The last line printed is a JSON object: per scenario, ``credit_per_s``, ``hold_per_s``
and ``settle_per_s``; the statements each operation sends (``round_trips``, the figure
that does not depend on the machine's load); the inputs and the consistency check.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

Operation = Callable[[], object]

SCENARIOS = (
    ("one_thread_hot", 1, True),
    ("one_thread_many", 1, False),
    ("two_threads_hot", 2, True),
    ("two_threads_many", 2, False),
)


def setup_django(prefix: str = "bench_ledger") -> Any:
    """Django on a throwaway database of its own, ``<prefix>_<pid>``; drop it at the end
    with ``connection.creation.destroy_test_db``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    import django

    django.setup()
    from django.db import connection

    # A throwaway database of our own, beside whatever tests are running.
    connection.settings_dict["TEST"]["NAME"] = f"{prefix}_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection


def run_parallel(operations: list[Operation], threads: int) -> float:
    """Run ``operations`` split round-robin over ``threads`` threads (one database
    connection each); returns the wall time from a common start to the last finish."""
    from django.db import connection

    shares = [operations[t::threads] for t in range(threads)]
    start = threading.Barrier(threads + 1)
    errors: list[Exception] = []

    def worker(share: list[Operation]) -> None:
        try:
            connection.ensure_connection()  # connect before the clock starts
            start.wait()
            for operation in share:
                operation()
        except Exception as exc:  # noqa: BLE001 - re-raised in the main thread after the run
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in workers:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return elapsed


def scenario(name: str, *, ops: int, threads: int, hot: bool, first_owner: int) -> dict[str, Any]:
    from lucid_payments.core.money import Asset
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.services import ledger_credit, ledger_hold, ledger_settle

    def owner(i: int) -> LedgerOwner:
        if hot:
            return LedgerOwner.client(first_owner)
        return LedgerOwner.customer(first_owner + i, client_id=first_owner)

    credits: list[Operation] = [
        partial(
            ledger_credit, owner=owner(i), asset=Asset.TRX, amount=1_000, reference=f"{name}:c:{i}"
        )
        for i in range(ops)
    ]
    holds: list[Operation] = [
        partial(ledger_hold, owner=owner(i), asset=Asset.TRX, amount=400, reference=f"{name}:h:{i}")
        for i in range(ops)
    ]
    settles: list[Operation] = [
        partial(ledger_settle, reference=f"{name}:h:{i}") for i in range(ops)
    ]
    result: dict[str, Any] = {"threads": threads, "accounts": 1 if hot else ops}
    for label, operations in (("credit", credits), ("hold", holds), ("settle", settles)):
        seconds = run_parallel(operations, threads)
        result[f"{label}_per_s"] = round(ops / seconds, 1)
        result[f"{label}_ms_each"] = round(1000 * seconds * threads / ops, 2)
    print(
        f"{name:18} credit {result['credit_per_s']:8.1f}/s   hold {result['hold_per_s']:8.1f}/s"
        f"   settle {result['settle_per_s']:8.1f}/s",
        flush=True,
    )
    return result


def round_trips() -> dict[str, int]:
    """Statements each operation sends (BEGIN and COMMIT included): the cost that does not
    depend on how busy the machine is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lucid_payments.core.money import Asset
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.services import ledger_credit, ledger_hold, ledger_settle

    owner = LedgerOwner.client(999_999_999)
    ledger_credit(owner=owner, asset=Asset.TRX, amount=10, reference="trips:warm")  # accounts
    calls: dict[str, Operation] = {
        "credit": partial(
            ledger_credit, owner=owner, asset=Asset.TRX, amount=10, reference="trips:c"
        ),
        "hold": partial(ledger_hold, owner=owner, asset=Asset.TRX, amount=1, reference="trips:h"),
        "settle": partial(ledger_settle, reference="trips:h"),
    }
    counts = {}
    for label, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        counts[f"{label}_statements"] = len(captured.captured_queries)
    return counts


def verify() -> dict[str, Any]:
    from wallets.ledger.verify import (
        balance_mismatches,
        daily_deposit_mismatches,
        unbalanced_entries,
    )
    from wallets.models.ledger import JournalEntry, Posting

    return {
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
        "unbalanced_entries": len(unbalanced_entries()),
        "balance_mismatches": len(balance_mismatches()),
        "deposit_days_wrong": len(daily_deposit_mismatches()),
    }


def run_checked(
    argv: list[str] | None,
    *,
    doc: str,
    ops: tuple[int, str],
    setup: Callable[[], Any],
    measure: Callable[[int], dict[str, Any]],
) -> int:
    """The main of a ledger benchmark: ``--ops`` (default and help in ``ops``), then on the
    throwaway database ``setup`` makes, the figures ``measure(ops)`` returns and the ledger
    check (``verify``); drop the database and print them as the last line (JSON). The exit
    status is 1 when an entry does not balance or a cached balance differs from its
    postings."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=ops[0], help=ops[1])
    args = parser.parse_args(argv)

    connection = setup()
    test_name = connection.settings_dict["NAME"]
    try:
        figures: dict[str, Any] = {"ops": args.ops, **measure(args.ops)}
        figures["check"] = verify()
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_name, verbosity=0)
    print(json.dumps(figures))
    check = figures["check"]
    return 1 if check["unbalanced_entries"] or check["balance_mismatches"] else 0


def _measure(ops: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for index, (name, threads, hot) in enumerate(SCENARIOS):
        figures[name] = scenario(
            name, ops=ops, threads=threads, hot=hot, first_owner=1 + index * 10**6
        )
    figures["round_trips"] = round_trips()
    return figures


def main(argv: list[str] | None = None) -> int:
    ops = (1000, "operations of each kind")
    return run_checked(argv, doc=__doc__, ops=ops, setup=setup_django, measure=_measure)


if __name__ == "__main__":
    sys.exit(main())
