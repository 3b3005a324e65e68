"""What the soak did, as the client application and its payers remember it: the
invoices and what was paid to them, customer deposits, and every movement of money out
(each to an address of its own). The final checks compare this with the platform and
with the chain."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.soak.api import Api


@dataclass
class SentPayment:
    txid: str
    amount: int


@dataclass
class InvoiceRecord:
    id: str
    kind: str  # the workload that made it: paid, partly_paid, paid_late, unpaid
    asset: str
    amount: int
    address: str
    payments: list[SentPayment] = field(default_factory=list)


@dataclass
class DepositRecord:
    customer_id: int
    address: str
    asset: str
    payments: list[SentPayment] = field(default_factory=list)


@dataclass
class OutgoingRecord:
    kind: str  # refund, wallet_transfer, usdt_transfer, ...
    id: str
    to_address: str
    asset: str
    amount: int
    status: str = "pending"
    # Where the API shows its status (refunds are listed under their invoice).
    parent_id: str = ""


@dataclass
class Apis:
    gateway: Api
    wallets: Api
    usdt: Api
    accounts: Api

    def close(self) -> None:
        for api in (self.gateway, self.wallets, self.usdt, self.accounts):
            api.close()


@dataclass
class SoakState:
    apis: Apis
    devnet: httpx.Client
    rng: random.Random
    hot_wallet_id: int
    hot_address: str
    kyc_customer_id: int
    # The receiver's webhook endpoint, and when it was registered: events from then on
    # are the ones it must receive.
    endpoint_id: str
    events_since: str
    invoices: list[InvoiceRecord] = field(default_factory=list)
    deposits: dict[int, DepositRecord] = field(default_factory=dict)  # customer id → record
    outgoing: list[OutgoingRecord] = field(default_factory=list)
    # Payments due later (late invoices): (monotonic time, what to do).
    scheduled: list[tuple[float, Callable[[], None]]] = field(default_factory=list)
    steps: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)  # expected 4xx, by code
    lock: threading.Lock = field(default_factory=threading.Lock)

    def faucet(self, address: str, asset: str, amount: int) -> str:
        """A payer sends ``amount`` to ``address``: a real signed transaction from one of
        the devnet's genesis accounts. Returns its txid."""
        body: dict[str, Any] = {"address": address, asset.lower(): amount}
        answer = self.devnet.post("/devnet/faucet", json=body)
        answer.raise_for_status()
        return str(answer.json()["txids"][asset.lower()])

    def later(self, delay_s: float, action: Callable[[], None]) -> None:
        with self.lock:
            self.scheduled.append((time.monotonic() + delay_s, action))

    def run_due(self, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            due = [item for item in self.scheduled if item[0] <= now]
            self.scheduled = [item for item in self.scheduled if item[0] > now]
        for _at, action in due:
            action()
