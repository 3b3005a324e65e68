"""The money workloads run across the copies while nodes are killed, and what each must
find at the end. A step issues one unit of work at a time (``issue``, called in a loop
by its own thread), says when everything it issued has come through (``settled``), and
checks it exactly (``check``: a dict with ``ok``).

Payouts are not on this branch yet; a payouts step (``POST /api/v1/payouts`` on the
payout-router, checked on chain like ``MoneyOut``) is one more class here and one more
entry in ``STEPS``.
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

from bench.scaleout.chain import SUN, Payers, trx_balance
from bench.scaleout.harness import Running
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

    def events_per_object(self, event_type: str) -> Counter[str]:
        rows = self.sql("SELECT object_id FROM events_event WHERE type = %s", [event_type])
        return Counter(str(row[0]) for row in rows)


def sun(money: dict[str, str]) -> int:
    return int(Decimal(money["amount"]) * SUN)


class Step(Protocol):
    name: str

    def setup(self, ctx: Context) -> None: ...
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

    def funded(self, ctx: Context) -> bool:
        answer = ctx.running.api("wallet-manager").call("GET", "/api/v1/balances")
        return any(
            b["asset"] == "TRX" and sun(b["available"]) >= self.FUNDING_SUN // 2
            for b in answer.body["balances"]
        )

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


STEPS: tuple[type[Step], ...] = (InvoicesPaid, CustomerDeposits, MoneyOut)
