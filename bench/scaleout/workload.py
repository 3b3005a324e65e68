"""The money workloads run across the copies while nodes are killed, and what each must
find at the end. A step issues one unit of work at a time (``issue``, called in a loop
by its own thread) once it is ``ready`` (its funding credited), says when everything it
issued has come through (``settled``), and checks it exactly (``check``: a dict with
``ok``).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import psycopg
from tronpy.keys import PrivateKey

from bench.scaleout.chain import SUN, Payers, faucet, trx_balance, usdt_balance
from bench.scaleout.harness import Running, run_django_module
from bench.scaleout.receiver import WebhookReceiver


@dataclass
class Context:
    running: Running
    receiver: WebhookReceiver
    payers: Payers
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def database_url(self) -> str:
        return self.running.topology.settings.database_url

    def sql(self, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query, params or []).fetchall()

    def client_available(self, asset: str) -> int:
        """The client's own available balance of ``asset`` (base units)."""
        answer = self.running.api("wallet-manager").call("GET", "/api/v1/balances")
        return sum(sun(b["available"]) for b in answer.body["balances"] if b["asset"] == asset)

    def events_per_object(self, event_type: str) -> Counter[str]:
        rows = self.sql("SELECT object_id FROM events_event WHERE type = %s", [event_type])
        return Counter(str(row[0]) for row in rows)


def sun(money: dict[str, str]) -> int:
    return int(Decimal(money["amount"]) * SUN)


class Step(Protocol):
    name: str

    def setup(self, ctx: Context) -> None: ...
    def ready(self, ctx: Context) -> bool: ...
    def issue(self, ctx: Context) -> None: ...
    def settled(self, ctx: Context) -> bool: ...
    def check(self, ctx: Context) -> dict[str, Any]: ...


class InvoicesPaid:
    """Invoices created on the gateway copies and paid in full by a payer on chain."""

    name = "invoices"
    AMOUNT, AMOUNT_SUN = "1.5", 1_500_000

    def __init__(self) -> None:
        self.invoices: list[str] = []
        self.paid: set[str] = set()

    def setup(self, ctx: Context) -> None:
        pass

    def ready(self, ctx: Context) -> bool:
        return True

    def issue(self, ctx: Context) -> None:
        answer = ctx.running.api("payment-gateway").call(
            "POST", "/api/v1/invoices", {"amount": self.AMOUNT, "asset": "TRX"}, idempotent=True
        )
        assert answer.status == 201, answer.body
        ctx.payers.send_trx(answer.body["address"], self.AMOUNT_SUN)
        with ctx.lock:
            self.invoices.append(answer.body["id"])

    def settled(self, ctx: Context) -> bool:
        api = ctx.running.api("payment-gateway")
        for invoice_id in [i for i in self.invoices if i not in self.paid]:
            answer = api.call("GET", f"/api/v1/invoices/{invoice_id}")
            if answer.status == 200 and answer.body["status"] == "paid":
                self.paid.add(invoice_id)
        return len(self.paid) == len(self.invoices)

    def check(self, ctx: Context) -> dict[str, Any]:
        events = ctx.events_per_object("invoice.paid")
        ours = [events[i] for i in self.invoices]
        delivered = {ctx.receiver.objects[i] for i in ctx.receiver.ids_of_type("invoice.paid")}
        return {
            "ok": len(self.paid) == len(self.invoices)
            and ours.count(1) == len(self.invoices)
            and delivered >= set(self.invoices),
            "created": len(self.invoices),
            "paid": len(self.paid),
            "paid_events_not_once": sum(1 for n in ours if n != 1),
            "paid_webhooks_missing": len(set(self.invoices) - delivered),
        }


class CustomerDeposits:
    """Customers made on the payout-router copies, a deposit address each on the
    wallet-manager copies, and one deposit sent to it: credited exactly once."""

    name = "deposits"
    AMOUNT_SUN = 2_000_000

    def __init__(self) -> None:
        self.deposits: dict[int, str] = {}  # customer id → txid
        self.credited: set[int] = set()

    def setup(self, ctx: Context) -> None:
        pass

    def ready(self, ctx: Context) -> bool:
        return True

    def issue(self, ctx: Context) -> None:
        router, wallets = ctx.running.api("payout-router"), ctx.running.api("wallet-manager")
        made = router.call(
            "POST", "/api/v1/customers", {"external_ref": uuid.uuid4().hex}, idempotent=True
        )
        assert made.status == 201, made.body
        customer_id = int(made.body["id"])
        address = wallets.call(
            "POST", f"/api/v1/customers/{customer_id}/deposit-address", {}, idempotent=True
        )
        assert address.status in (200, 201), address.body
        txid = ctx.payers.send_trx(address.body["address"], self.AMOUNT_SUN)
        with ctx.lock:
            self.deposits[customer_id] = txid

    def _available(self, ctx: Context, customer_id: int) -> int:
        answer = ctx.running.api("wallet-manager").call(
            "GET", f"/api/v1/balances?customer={customer_id}"
        )
        assert answer.status == 200, answer.body
        return sum(sun(b["available"]) for b in answer.body["balances"] if b["asset"] == "TRX")

    def settled(self, ctx: Context) -> bool:
        for customer_id in [c for c in self.deposits if c not in self.credited]:
            if self._available(ctx, customer_id) >= self.AMOUNT_SUN:
                self.credited.add(customer_id)
        return len(self.credited) == len(self.deposits)

    def check(self, ctx: Context) -> dict[str, Any]:
        wrong = [c for c in self.deposits if self._available(ctx, c) != self.AMOUNT_SUN]
        rows = ctx.sql(
            "SELECT data->>'txid', count(*) FROM events_event "
            "WHERE type = 'deposit.credited' GROUP BY 1"
        )
        credited_events = {str(txid): int(n) for txid, n in rows}
        txids = list(self.deposits.values())
        return {
            "ok": not wrong and all(credited_events.get(t) == 1 for t in txids),
            "sent": len(txids),
            "credited": len(self.credited),
            "balance_not_exact": len(wrong),
            "credited_events_not_once": sum(1 for t in txids if credited_events.get(t) != 1),
        }


class MoneyOut:
    """TRX sent out of a client's hot wallet (``POST /api/v1/wallets/{id}/transfers`` on
    the wallet-manager copies), each to a fresh address: on chain exactly once."""

    name = "money_out"
    FUNDING_SUN = 2_000 * SUN
    AMOUNT, AMOUNT_SUN = "1", 1 * SUN

    def __init__(self) -> None:
        self.wallet_id = 0
        self.transfers: dict[int, str] = {}  # transfer id → destination
        self.arrived: set[int] = set()

    def setup(self, ctx: Context) -> None:
        wallets = ctx.running.api("wallet-manager")
        made = wallets.call("POST", "/api/v1/wallets", {"kind": "hot"}, idempotent=True)
        assert made.status == 201, made.body
        self.wallet_id = int(made.body["id"])
        ctx.payers.send_trx(made.body["address"], self.FUNDING_SUN)

    def ready(self, ctx: Context) -> bool:
        return ctx.client_available("TRX") >= self.FUNDING_SUN // 2

    def issue(self, ctx: Context) -> None:
        to = PrivateKey.random().public_key.to_base58check_address()
        answer = ctx.running.api("wallet-manager").call(
            "POST",
            f"/api/v1/wallets/{self.wallet_id}/transfers",
            {"to": to, "amount": {"amount": self.AMOUNT, "asset": "TRX"}},
            idempotent=True,
        )
        assert answer.status == 202, answer.body
        with ctx.lock:
            self.transfers[int(answer.body["id"])] = to

    def settled(self, ctx: Context) -> bool:
        confirmed = ctx.events_per_object("wallet_transfer.confirmed")
        self.arrived = {t for t in self.transfers if confirmed[str(t)] >= 1}
        return len(self.arrived) == len(self.transfers)

    def check(self, ctx: Context) -> dict[str, Any]:
        devnet = ctx.running.devnet.url
        on_chain = {t: trx_balance(devnet, to) for t, to in self.transfers.items()}
        confirmed = ctx.events_per_object("wallet_transfer.confirmed")
        return {
            "ok": all(v == self.AMOUNT_SUN for v in on_chain.values())
            and all(confirmed[str(t)] == 1 for t in self.transfers),
            "sent": len(self.transfers),
            "on_chain_once": sum(1 for v in on_chain.values() if v == self.AMOUNT_SUN),
            "on_chain_not_once": sum(1 for v in on_chain.values() if v != self.AMOUNT_SUN),
            "confirmed_events_not_once": sum(1 for t in self.transfers if confirmed[str(t)] != 1),
        }


@dataclass(frozen=True)
class PayoutSent:
    asset: str
    route: str
    destination: str


class Payouts:
    """Payouts (``POST /api/v1/payouts`` on the payout-router copies) of TRX and of USDT,
    for customers on the v0 route and customers with an approved KYC in turn, each to a
    fresh address: on chain exactly once (the destination holds exactly the amount) with
    one ``payout.confirmed``, or failed with nothing on chain and its hold released.

    They are sent from the client's first hot wallet (``MoneyOut``'s, when it runs too),
    funded here through the devnet's faucet so that both kinds of send can go on all run.
    """

    name = "payouts"
    FUNDING_SUN = {"TRX": 20_000 * SUN, "USDT": 50_000 * SUN}
    AMOUNTS = {"TRX": ("1.5", 1_500_000), "USDT": ("2.5", 2_500_000)}
    KINDS = (("TRX", "v0"), ("USDT", "v0"), ("TRX", "kyc"), ("USDT", "kyc"))
    CUSTOMERS_PER_ROUTE = 3
    ENDED = ("confirmed", "failed", "cancelled")

    def __init__(self) -> None:
        self.customers: dict[str, list[int]] = {"v0": [], "kyc": []}
        self.payouts: dict[str, PayoutSent] = {}  # public id → what was asked
        self.turn = 0
        self.status: dict[str, str] = {}

    def setup(self, ctx: Context) -> None:
        router, wallets = ctx.running.api("payout-router"), ctx.running.api("wallet-manager")
        hot = [w for w in wallets.call("GET", "/api/v1/wallets").body if w["kind"] == "hot"]
        if not hot:
            made = wallets.call("POST", "/api/v1/wallets", {"kind": "hot"}, idempotent=True)
            assert made.status == 201, made.body
            hot = [made.body]
        sender = min(hot, key=lambda wallet: int(wallet["id"]))  # what payouts send from
        funding = self.FUNDING_SUN
        faucet(ctx.running.devnet.url, sender["address"], trx=funding["TRX"], usdt=funding["USDT"])
        for customers in self.customers.values():
            for _ in range(self.CUSTOMERS_PER_ROUTE):
                made = router.call(
                    "POST", "/api/v1/customers", {"external_ref": uuid.uuid4().hex}, idempotent=True
                )
                assert made.status == 201, made.body
                customers.append(int(made.body["id"]))
        kyc = [str(customer) for customer in self.customers["kyc"]]
        run_django_module(ctx.running.topology, "bench.scaleout.kyc", *kyc)

    def ready(self, ctx: Context) -> bool:
        return all(ctx.client_available(a) >= units for a, units in self.FUNDING_SUN.items())

    def issue(self, ctx: Context) -> None:
        with ctx.lock:
            turn, self.turn = self.turn, self.turn + 1
        asset, route = self.KINDS[turn % len(self.KINDS)]
        customers = self.customers[route]
        to = PrivateKey.random().public_key.to_base58check_address()
        answer = ctx.running.api("payout-router").call(
            "POST",
            "/api/v1/payouts",
            {
                "customer_id": customers[turn % len(customers)],
                "destination": to,
                "asset": asset,
                "amount": self.AMOUNTS[asset][0],
                "reference": uuid.uuid4().hex,
            },
            idempotent=True,
        )
        assert answer.status == 201, answer.body
        assert answer.body["route"] == route, answer.body
        with ctx.lock:
            self.payouts[answer.body["id"]] = PayoutSent(asset, route, to)

    def rows(self, ctx: Context, public_ids: list[str]) -> dict[str, tuple[Any, ...]]:
        """public id → (status, the amount's hold status)."""
        rows = ctx.sql(
            "SELECT p.public_id, p.status, h.status FROM payouts_payout p "
            "LEFT JOIN wallets_hold h ON h.reference = p.ledger_reference "
            "WHERE p.public_id = ANY(%s)",
            [public_ids],
        )
        return {str(row[0]): row[1:] for row in rows}

    def settled(self, ctx: Context) -> bool:
        pending = [p for p in self.payouts if self.status.get(p) not in self.ENDED]
        for public_id, (status, _) in self.rows(ctx, pending).items():
            self.status[public_id] = str(status)
        return all(self.status.get(p) in self.ENDED for p in self.payouts)

    def _on_chain(self, ctx: Context, sent: PayoutSent) -> int:
        devnet = ctx.running.devnet.url
        if sent.asset == "USDT":
            return usdt_balance(devnet, sent.destination)
        return trx_balance(devnet, sent.destination)

    def check(self, ctx: Context) -> dict[str, Any]:
        rows = self.rows(ctx, list(self.payouts))
        confirmed_events = ctx.events_per_object("payout.confirmed")
        confirmed, released, wrong = 0, 0, []
        for public_id, sent in self.payouts.items():
            status, hold = rows[public_id]
            on_chain = self._on_chain(ctx, sent)
            events = confirmed_events[public_id]
            if status == "confirmed" and hold == "settled" and events == 1:
                ok = on_chain == self.AMOUNTS[sent.asset][1]
                confirmed += ok
            else:
                ok = status == "failed" and hold == "released" and events == 0 and not on_chain
                released += ok
            if not ok:
                wrong.append(public_id)
        kinds = Counter(f"{sent.asset} {sent.route}" for sent in self.payouts.values())
        return {
            "ok": not wrong,
            "sent": len(self.payouts),
            "by_kind": dict(sorted(kinds.items())),
            "on_chain_once": confirmed,
            "failed_released": released,
            "wrong": len(wrong),
            "wrong_examples": wrong[:5],
            "confirmed_events_not_once": sum(
                1
                for p, (status, _) in rows.items()
                if status == "confirmed" and confirmed_events[p] != 1
            ),
        }


def webhooks_check(ctx: Context) -> dict[str, Any]:
    """Every event of the client reached the receiver at least once, under its own id."""
    events = {str(row[0]) for row in ctx.sql("SELECT public_id FROM events_event")}
    arrivals = ctx.receiver.arrivals
    missing = events - set(arrivals)
    return {
        "ok": not missing and ctx.receiver.unverified == 0,
        "events": len(events),
        "delivered": len(events & set(arrivals)),
        "missing": len(missing),
        "redelivered_same_id": sum(1 for n in arrivals.values() if n > 1),
        "unverified": ctx.receiver.unverified,
    }


STEPS: tuple[type[Step], ...] = (InvoicesPaid, CustomerDeposits, MoneyOut, Payouts)
