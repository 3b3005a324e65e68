"""Operator console benchmark: how long the dashboard (``/admin/``) takes to render.

    python -m bench.admin                  # 100,000 ledger entries, 10,000 invoices, 30 renders
    python -m bench.admin --entries 20000 --invoices 2000 --renders 10   # quicker look

A throwaway database (``bench_admin_<pid>``, made and dropped like ``bench.ledger``'s) is
loaded with 30 days of a busy platform: clients and customers; journal entries (chain
deposits) with their postings, the accounts' cached balances and the days' deposits
roll-up, balanced as the ledger's own checks want them, written with COPY; invoices across
every status with their payments; network costs of our transactions; events and webhook
deliveries (some failed); a node reading and a reconcile run every five minutes. Then the
dashboard is rendered with Django's test client, warm, ``--renders`` times as a superuser
and as a Support (read-only) operator: p50 / p95 / max in milliseconds and the SQL
statements per render.

The last line printed is a JSON object with those figures, the rows loaded and the
ledger's consistency check (balances, entries and the deposits roll-up).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.gateway import BENCH_MASTER_KEY
from bench.ledger import setup_django, verify

BUDGET_MS = 300.0
DAYS = 30
CLIENTS = 10
CUSTOMERS_PER_CLIENT = 100
READING_EVERY = timedelta(minutes=5)
BATCH = 5_000
SLOWEST = 3


def _moments(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """``count`` moments spread over the last ``DAYS`` days, oldest first."""
    span = DAYS * 86_400
    return sorted(now - timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def _tenants() -> tuple[list[Any], list[Any], Any]:
    from lucid_payments.accounts.models import Customer
    from lucid_payments.accounts.services import client_create, customer_create
    from lucid_payments.core.audit import AuditActor
    from wallets.services import customer_deposit_address

    clients = [client_create(name=f"bench-{c}") for c in range(CLIENTS)]
    Customer.objects.bulk_create(
        Customer(client=client, external_ref=f"c{c}-{i}")
        for c, client in enumerate(clients)
        for i in range(CUSTOMERS_PER_CLIENT)
    )
    customers = list(Customer.objects.order_by("id"))
    # One real deposit wallet; the invoices' addresses are rows under it.
    first = customer_create(client=clients[0], external_ref="wallet", actor=AuditActor.system("b"))
    wallet = customer_deposit_address(customer=first)[0].wallet
    return clients, customers, wallet


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _load_ledger(rng: random.Random, now: datetime, customers: list[Any], entries: int) -> None:
    """``entries`` chain deposits: custody -amount, the customer's available +amount, with
    each posting's ``balance_after``, each account's final balance and each day's deposits
    roll-up, as the services would have left them."""
    from django.db import connection, transaction

    from wallets.models.ledger import Bucket, DailyDeposits, EntryKind, LedgerAccount, OwnerType

    assets = ("TRX", "USDT")
    accounts = {
        ("platform", 0, asset): LedgerAccount(
            owner_type=OwnerType.PLATFORM, owner_id=0, asset=asset, bucket=Bucket.CUSTODY
        )
        for asset in assets
    }
    for customer in customers:
        for asset in assets:
            accounts[("customer", customer.pk, asset)] = LedgerAccount(
                owner_type=OwnerType.CUSTOMER,
                owner_id=customer.pk,
                client_id=customer.client_id,
                asset=asset,
                bucket=Bucket.AVAILABLE,
            )
    balances = dict.fromkeys(accounts, 0)
    planned = []
    for n, moment in enumerate(_moments(rng, now, entries)):
        asset = assets[n % 2]
        amount = rng.randint(1, 5_000) * 1_000_000
        owner = ("customer", customers[rng.randrange(len(customers))].pk, asset)
        custody = ("platform", 0, asset)
        balances[custody] -= amount
        balances[owner] += amount
        planned.append((moment, asset, amount, custody, balances[custody], owner, balances[owner]))
    for key, account in accounts.items():
        account.balance = balances[key]
    days: dict[tuple[Any, str], list[int]] = {}
    for moment, asset, amount, *_ in planned:
        day = days.setdefault((moment.astimezone(UTC).date(), asset), [0, 0])
        day[0] += amount
        day[1] += 1
    with transaction.atomic():  # the ledger's deferred checks run at this commit
        LedgerAccount.objects.bulk_create(accounts.values(), batch_size=BATCH)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('wallets_journalentry_id_seq')")
            first_id = cursor.fetchone()[0]
        _copy(
            "wallets_journalentry",
            ("id", "reference", "kind", "description", "data", "created_at"),
            [
                (first_id + n, f"chain:bench{n:064d}:0", EntryKind.CREDIT, "deposit", "{}", p[0])
                for n, p in enumerate(planned)
            ],
        )
        _copy(
            "wallets_posting",
            ("entry_id", "account_id", "amount", "balance_after"),
            [
                row
                for n, (_, _, amount, custody, c_after, owner, o_after) in enumerate(planned)
                for row in (
                    (first_id + n, accounts[custody].pk, -amount, c_after),
                    (first_id + n, accounts[owner].pk, amount, o_after),
                )
            ],
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval('wallets_journalentry_id_seq', %s)", [first_id + len(planned)]
            )
        DailyDeposits.objects.bulk_create(
            DailyDeposits(day=day, asset=asset, amount=amount, deposits=count)
            for (day, asset), (amount, count) in days.items()
        )


def _load_invoices(
    rng: random.Random, now: datetime, clients: list[Any], wallet: Any, count: int
) -> None:
    from gateway.invoices.models import Invoice, InvoicePayment, InvoiceStatus, PaymentStatus
    from wallets.models import WalletAddress

    WalletAddress.objects.bulk_create(
        (
            WalletAddress(
                wallet=wallet, address=f"Tbench{n:028d}", index=10_000 + n, in_custody=True
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    addresses = list(WalletAddress.objects.filter(address__startswith="Tbench").order_by("id"))
    statuses = [InvoiceStatus.PAID] * 6 + [
        InvoiceStatus.EXPIRED,
        InvoiceStatus.EXPIRED,
        InvoiceStatus.NEW,
        InvoiceStatus.PROCESSING,
        InvoiceStatus.INVALID,
        InvoiceStatus.CANCELLED,
    ]
    invoices = []
    for n, created in enumerate(_moments(rng, now, count)):
        status = statuses[n % len(statuses)]
        asset = "USDT" if n % 3 else "TRX"
        amount = rng.randint(1, 500) * 1_000_000
        paid = status == InvoiceStatus.PAID
        invoices.append(
            Invoice(
                client=clients[n % len(clients)],
                network="devnet",
                asset=asset,
                amount=amount,
                order_id=f"order-{n}",
                address=addresses[n],
                status=status,
                speed_policy="medium",
                paid_amount=amount if paid else 0,
                created_at=created,
                expires_at=created + timedelta(minutes=15),
                monitoring_until=created + timedelta(hours=1),
                paid_at=created + timedelta(minutes=2) if paid else None,
            )
        )
    Invoice.objects.bulk_create(invoices, batch_size=BATCH)
    InvoicePayment.objects.bulk_create(
        (
            InvoicePayment(
                invoice=invoice,
                txid=f"{n:064x}",
                index=0,
                from_address=f"Tpayer{n:028d}",
                amount=invoice.paid_amount,
                status=PaymentStatus.FINAL,
                block_number=1_000 + n,
                seen_at=invoice.created_at + timedelta(minutes=1),
                final_at=invoice.paid_at,
            )
            for n, invoice in enumerate(invoices)
            if invoice.status == InvoiceStatus.PAID
        ),
        batch_size=BATCH,
    )


def _load_fees(rng: random.Random, now: datetime, clients: list[Any], count: int) -> None:
    from wallets.models import TransactionFee

    rows = []
    for n, moment in enumerate(_moments(rng, now, count)):
        burned = rng.choice((0, 0, 13_000_000, 27_000_000))
        rows.append(
            TransactionFee(
                network="devnet",
                txid=f"fee{n:061d}",
                outgoing_id=n + 1,
                reference=f"internal:sweep:{n}",
                client=clients[n % len(clients)],
                contract_type="TriggerSmartContract",
                owner_address=f"Tfeeowner{n % 50:025d}",
                succeeded=True,
                block_number=2_000 + n,
                block_time=moment,
                energy_total=65_000,
                energy_delegated=0 if burned else 65_000,
                energy_own_stake=0,
                energy_contract=0,
                energy_burned=65_000 if burned else 0,
                energy_burned_sun=burned,
                energy_price_sun=210,
                bandwidth_used=345,
                bandwidth_burned_sun=0,
                activation_sun=0,
                fee_sun=burned,
            )
        )
    TransactionFee.objects.bulk_create(rows, batch_size=BATCH)


def _load_events(rng: random.Random, now: datetime, clients: list[Any], count: int) -> None:
    from gateway.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
    from lucid_payments.events.models import Event

    endpoints = [
        WebhookEndpoint.objects.create(client=client, url=f"https://hooks.example/{client.pk}")
        for client in clients
    ]
    events = [
        Event(
            type="invoice.paid",
            client=clients[n % len(clients)],
            object_id=f"inv_{n}",
            data={"n": n},
            created_at=moment,
        )
        for n, moment in enumerate(_moments(rng, now, count))
    ]
    Event.objects.bulk_create(events, batch_size=BATCH)
    WebhookDelivery.objects.bulk_create(
        (
            WebhookDelivery(
                endpoint=endpoints[n % len(endpoints)],
                event=event,
                event_type=event.type,
                status=DeliveryStatus.FAILED if n % 50 == 0 else DeliveryStatus.DELIVERED,
                created_at=event.created_at,
                delivered_at=None if n % 50 == 0 else event.created_at,
            )
            for n, event in enumerate(events)
        ),
        batch_size=BATCH,
    )


def _load_readings(now: datetime) -> int:
    """A node reading and a reconcile run every five minutes for ``DAYS`` days; one in a
    hundred failed, as a flaky node would leave them."""
    from lucid_payments.console.models import NodeReading, ReconcileRun

    wallets = [
        {
            "kind": kind,
            "label": kind,
            "client": "",
            "address": f"T{kind}{'x' * (33 - len(kind))}",
            "wallet_id": n + 1,
            "trx_sun": 10**12,
            "usdt_units": 10**11,
            "staked_sun": 10**11,
            "delegated_out_sun": 10**10,
            "energy_available": 900_000,
            "energy_limit": 1_000_000,
            "bandwidth_available": 5_000,
            "bandwidth_limit": 5_000,
            "unfreezing_sun": 0,
            "unfreezing_count": 0,
        }
        for n, kind in enumerate(("hot", "cold", "fee", "energy"))
    ]
    line = {
        "asset": "TRX",
        "addresses": 10_000,
        "on_chain": 10**12,
        "ledger_custody": 10**12,
        "pending_in": 0,
        "pending_in_count": 0,
        "pending_out": 0,
        "pending_out_count": 0,
        "expected": 10**12,
        "difference": 0,
    }
    count = int(timedelta(days=DAYS) / READING_EVERY)
    moments = [now - READING_EVERY * n for n in range(count)]
    NodeReading.objects.bulk_create(
        (
            NodeReading(
                read_at=moment,
                network="devnet",
                head_block=None if n % 100 == 7 else 1_000_000 - n * 100,
                solid_block=None if n % 100 == 7 else 1_000_000 - n * 100 - 19,
                wallets=[] if n % 100 == 7 else wallets,
                error="node timed out" if n % 100 == 7 else "",
            )
            for n, moment in enumerate(moments)
        ),
        batch_size=BATCH,
    )
    ReconcileRun.objects.bulk_create(
        (
            ReconcileRun(
                finished_at=moment,
                source="schedule",
                verdict=(
                    ReconcileRun.Verdict.FAILED if n % 100 == 7 else ReconcileRun.Verdict.AGREE
                ),
                head_block=1_000_000 - n * 100,
                scanned_block=1_000_000 - n * 100 - 2,
                lines=[] if n % 100 == 7 else [line, {**line, "asset": "USDT"}],
                error="node timed out" if n % 100 == 7 else "",
            )
            for n, moment in enumerate(moments)
        ),
        batch_size=BATCH,
    )
    return count


def load(*, entries: int, invoices: int, seed: int) -> dict[str, Any]:
    from django.utils import timezone

    rng = random.Random(seed)
    now = timezone.now()
    began = time.perf_counter()
    clients, customers, wallet = _tenants()
    _load_ledger(rng, now, customers, entries)
    print(f"loaded {entries:,} journal entries", flush=True)
    _load_invoices(rng, now, clients, wallet, invoices)
    print(f"loaded {invoices:,} invoices", flush=True)
    _load_fees(rng, now, clients, invoices // 3)
    _load_events(rng, now, clients, invoices * 2)
    readings = _load_readings(now)
    _analyze()
    seconds = time.perf_counter() - began
    print(f"loaded everything in {seconds:.1f} s", flush=True)
    return {
        "clients": len(clients),
        "customers": len(customers),
        "journal_entries": entries,
        "invoices": invoices,
        "transaction_fees": invoices // 3,
        "events": invoices * 2,
        "webhook_deliveries": invoices * 2,
        "node_readings": readings,
        "reconcile_runs": readings,
        "load_s": round(seconds, 1),
    }


def _analyze() -> None:
    """Fresh planner statistics and visibility maps, as autovacuum keeps them on a live
    database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _operator(username: str, role: str | None) -> Any:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username, password="bench", is_staff=True, is_superuser=role is None
    )
    if role is not None:
        user.groups.set(Group.objects.filter(name=role))
    return User.objects.get(pk=user.pk)


def render(user: Any, renders: int) -> dict[str, Any]:
    """Render ``/admin/`` ``renders`` times (after two warm-up renders) as ``user``."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ROOT_URLCONF="lucid_payments.urls.admin"):
        http = HttpClient()
        http.force_login(user)
        for _ in range(2):
            assert http.get("/admin/").status_code == 200
        timings = []
        statements = 0
        for _ in range(renders):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = http.get("/admin/")
                timings.append(1000 * (time.perf_counter() - began))
            assert response.status_code == 200
            statements = len(captured.captured_queries)
    timings.sort()
    # Where the time goes: the last render's slowest statements (the profile to start from).
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:SLOWEST]
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[min(len(timings) - 1, int(0.95 * len(timings)))], 1),
        "max_ms": round(timings[-1], 1),
        "statements": statements,
        "sql_ms": round(sum(1000 * float(q["time"]) for q in captured.captured_queries), 1),
        "slowest": [[round(1000 * float(q["time"]), 1), q["sql"][:160]] for q in slowest],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="ledger journal entries")
    parser.add_argument("--invoices", type=int, default=10_000, help="invoices")
    parser.add_argument("--renders", type=int, default=30, help="timed renders per operator")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated data")
    args = parser.parse_args(argv)

    os.environ.setdefault("LUCID_MASTER_KEY", BENCH_MASTER_KEY)  # seals the wallet's seed
    connection = setup_django(prefix="bench_admin")
    test_name = connection.settings_dict["NAME"]
    figures: dict[str, Any] = {"budget_ms": BUDGET_MS}
    try:
        figures["loaded"] = load(entries=args.entries, invoices=args.invoices, seed=args.seed)
        from lucid_payments.console.roles import SUPPORT

        for label, user in (
            ("superuser", _operator("bench-root", None)),
            ("support", _operator("bench-support", SUPPORT)),
        ):
            figures[label] = render(user, args.renders)
            found = figures[label]
            print(
                f"{label:10} p50 {found['p50_ms']:7.1f} ms   p95 {found['p95_ms']:7.1f} ms"
                f"   max {found['max_ms']:7.1f} ms   {found['statements']} statements"
                f" ({found['sql_ms']} ms in SQL)",
                flush=True,
            )
            for ms, sql in found["slowest"]:
                print(f"    {ms:7.1f} ms  {sql}", flush=True)
        figures["check"] = verify()
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_name, verbosity=0)
    print(json.dumps(figures))
    check = figures["check"]
    slow = max(figures["superuser"]["p95_ms"], figures["support"]["p95_ms"]) > BUDGET_MS
    wrong = check["unbalanced_entries"] or check["balance_mismatches"]
    wrong = wrong or check["deposit_days_wrong"]
    return 1 if wrong or slow else 0


if __name__ == "__main__":
    sys.exit(main())
