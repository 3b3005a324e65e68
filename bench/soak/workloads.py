"""The soak's workload: one function per kind of thing a client application and its payers
do, and a table of them with their weights. A new kind is one more function and one more
row."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.soak.amounts import UNIT, base_units, decimal_string
from bench.soak.api import ApiFailure
from bench.soak.chain import random_address
from bench.soak.state import DepositRecord, InvoiceRecord, OutgoingRecord, SentPayment, SoakState

# The shortest expiry the API allows: late payments and expiries happen within the run.
INVOICE_EXPIRES_IN_S = 60
LATE_BY_S = 5
CUSTOMERS = 4


@dataclass(frozen=True)
class Workload:
    weight: int
    step: Callable[[SoakState], None]
    # Seconds the step needs to play out (a late payment waits for the expiry): not
    # started in the last ``lead_s`` of the run, except in the first round of every kind.
    lead_s: float = 0.0


def _asset(state: SoakState) -> str:
    return state.rng.choice(("USDT", "TRX"))


def _new_invoice(state: SoakState, kind: str) -> InvoiceRecord:
    asset = _asset(state)
    amount = state.rng.randint(1 * UNIT, 40 * UNIT)
    body = {
        "asset": asset,
        "amount": decimal_string(amount),
        "order_id": f"soak-{kind}-{uuid.uuid4().hex[:10]}",
        "expires_in": INVOICE_EXPIRES_IN_S,
    }
    reply = state.apis.gateway.post("/api/v1/invoices", body)
    if reply.status != 201:
        raise ApiFailure(f"invoice create: {reply.status} {reply.body}")
    record = InvoiceRecord(reply.body["id"], kind, asset, amount, reply.body["address"])
    with state.lock:
        state.invoices.append(record)
    return record


def _pay(state: SoakState, invoice: InvoiceRecord, amount: int) -> None:
    txid = state.faucet(invoice.address, invoice.asset, amount)
    with state.lock:
        invoice.payments.append(SentPayment(txid, amount))


def invoice_paid(state: SoakState) -> None:
    """Paid in full, sometimes in two payments."""
    invoice = _new_invoice(state, "paid")
    if state.rng.random() < 0.3:
        first = invoice.amount // 3
        _pay(state, invoice, first)
        _pay(state, invoice, invoice.amount - first)
    else:
        _pay(state, invoice, invoice.amount)


def invoice_partly_paid(state: SoakState) -> None:
    invoice = _new_invoice(state, "partly_paid")
    _pay(state, invoice, invoice.amount * state.rng.randint(20, 70) // 100)


def invoice_paid_late(state: SoakState) -> None:
    invoice = _new_invoice(state, "paid_late")
    state.later(INVOICE_EXPIRES_IN_S + LATE_BY_S, lambda: _pay(state, invoice, invoice.amount))


def invoice_unpaid(state: SoakState) -> None:
    _new_invoice(state, "unpaid")


def _customer_deposit_address(state: SoakState) -> DepositRecord:
    if len(state.deposits) < CUSTOMERS:
        reply = state.apis.accounts.post(
            "/api/v1/customers", {"external_ref": f"soak-{uuid.uuid4().hex[:12]}"}
        )
        if reply.status != 201:
            raise ApiFailure(f"customer create: {reply.status} {reply.body}")
        customer_id = int(reply.body["id"])
        address = state.apis.wallets.post(f"/api/v1/customers/{customer_id}/deposit-address")
        if address.status not in (200, 201):
            raise ApiFailure(f"deposit address: {address.status} {address.body}")
        record = DepositRecord(customer_id, address.body["address"], _asset(state))
        with state.lock:
            state.deposits[customer_id] = record
        return record
    return state.rng.choice(list(state.deposits.values()))


def customer_deposit(state: SoakState) -> None:
    record = _customer_deposit_address(state)
    amount = state.rng.randint(1 * UNIT, 25 * UNIT)
    txid = state.faucet(record.address, record.asset, amount)
    with state.lock:
        record.payments.append(SentPayment(txid, amount))


def _paid_invoice(state: SoakState) -> tuple[InvoiceRecord, int] | None:
    """A fully paid invoice the platform shows as paid, and what is left to refund."""
    candidates = [i for i in state.invoices if i.kind == "paid"]
    state.rng.shuffle(candidates)
    for invoice in candidates[:3]:
        shown = state.apis.gateway.get(f"/api/v1/invoices/{invoice.id}")
        if shown["status"] != "paid":
            continue
        refunded = sum(
            base_units(r["amount"]["amount"])
            for r in state.apis.gateway.get(f"/api/v1/invoices/{invoice.id}/refunds")["refunds"]
            if r["status"] != "failed"
        )
        left = base_units(shown["paid_amount"]["amount"]) - refunded
        if left > 0:
            return invoice, left
    return None


def refund(state: SoakState) -> None:
    """Part of a paid invoice back to the payer, the POST sometimes sent twice with one
    key (a client retrying a lost answer): one refund either way."""
    found = _paid_invoice(state)
    if found is None:
        state.refused["refund_no_paid_invoice_yet"] += 1
        return
    invoice, left = found
    amount = state.rng.randint(1, max(1, left // 2))
    to = random_address()
    key = uuid.uuid4().hex
    body = {"amount": decimal_string(amount), "to_address": to}
    path = f"/api/v1/invoices/{invoice.id}/refunds"
    reply = state.apis.gateway.post(path, body, key=key)
    if reply.status != 202:
        state.refused[f"refund_{reply.body['error']['code']}"] += 1
        return
    if state.rng.random() < 0.3:
        again = state.apis.gateway.post(path, body, key=key)
        if again.body["id"] != reply.body["id"]:
            raise ApiFailure(f"a replayed refund made another: {reply.body} {again.body}")
    with state.lock:
        state.outgoing.append(
            OutgoingRecord("refund", reply.body["id"], to, invoice.asset, amount, "", invoice.id)
        )


def wallet_transfer(state: SoakState) -> None:
    """TRX from the hot wallet to a new address."""
    to = random_address()
    amount = state.rng.randint(UNIT // 10, 3 * UNIT)
    body = {"to": to, "amount": {"amount": decimal_string(amount), "asset": "TRX"}}
    reply = state.apis.wallets.post(f"/api/v1/wallets/{state.hot_wallet_id}/transfers", body)
    if reply.status != 202:
        raise ApiFailure(f"wallet transfer: {reply.status} {reply.body}")
    with state.lock:
        state.outgoing.append(
            OutgoingRecord("wallet_transfer", str(reply.body["id"]), to, "TRX", amount)
        )


def usdt_transfer(state: SoakState) -> None:
    to = random_address()
    amount = state.rng.randint(UNIT // 10, 5 * UNIT)
    body = {
        "wallet_id": state.hot_wallet_id,
        "to": to,
        "amount": {"amount": decimal_string(amount), "asset": "USDT"},
    }
    reply = state.apis.usdt.post("/api/v1/usdt/transfers", body)
    if reply.status != 202:
        raise ApiFailure(f"usdt transfer: {reply.status} {reply.body}")
    with state.lock:
        state.outgoing.append(
            OutgoingRecord("usdt_transfer", str(reply.body["id"]), to, "USDT", amount)
        )


def _v0_customer(state: SoakState) -> int:
    """A customer without KYC: the V0 route."""
    return _customer_deposit_address(state).customer_id


def _payout_item(state: SoakState, customer_id: int) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "destination": random_address(),
        "asset": _asset(state),
        "amount": decimal_string(state.rng.randint(UNIT // 10, 5 * UNIT)),
        "reference": f"soak-{uuid.uuid4().hex[:16]}",
    }


def _record_payout(state: SoakState, kind: str, payout_id: str, item: dict[str, Any]) -> None:
    record = OutgoingRecord(
        kind, payout_id, item["destination"], item["asset"], base_units(item["amount"])
    )
    with state.lock:
        state.outgoing.append(record)


def _payout(state: SoakState, kind: str, customer_id: int, route: str) -> None:
    item = _payout_item(state, customer_id)
    reply = state.apis.accounts.post("/api/v1/payouts", item)
    if reply.status != 201:
        raise ApiFailure(f"{kind}: {reply.status} {reply.body}")
    if reply.body["route"] != route:
        raise ApiFailure(f"{kind} took the {reply.body['route']} route: {reply.body}")
    _record_payout(state, kind, reply.body["id"], item)


def payout_v0(state: SoakState) -> None:
    _payout(state, "payout_v0", _v0_customer(state), "v0")


def payout_kyc(state: SoakState) -> None:
    _payout(state, "payout_kyc", state.kyc_customer_id, "kyc")


def payout_batch(state: SoakState) -> None:
    """Two to five payouts in one immediate batch, for the KYC and V0 customers."""
    customers = [state.kyc_customer_id, _v0_customer(state)]
    items = [
        _payout_item(state, state.rng.choice(customers)) for _ in range(state.rng.randint(2, 5))
    ]
    reply = state.apis.accounts.post("/api/v1/payouts/batches", {"items": items})
    if reply.status != 201:
        raise ApiFailure(f"payout batch: {reply.status} {reply.body}")
    for item, result in zip(items, reply.body["items"], strict=True):
        _record_payout(state, "batch_payout", result["payout_id"], item)


def deposit_to_sweep(state: SoakState) -> None:
    """A customer deposit above the sweep threshold (50 TRX, 5 USDT by default): the
    worker's once-a-minute sweeper moves it to the hot wallet (the fee wallet pays a USDT
    sweep's energy)."""
    record = _customer_deposit_address(state)
    amount = state.rng.randint(60, 120) * UNIT
    txid = state.faucet(record.address, record.asset, amount)
    with state.lock:
        record.payments.append(SentPayment(txid, amount))


WORKLOADS: dict[str, Workload] = {
    "invoice_paid": Workload(6, invoice_paid),
    "invoice_partly_paid": Workload(2, invoice_partly_paid),
    "invoice_paid_late": Workload(1, invoice_paid_late, INVOICE_EXPIRES_IN_S + LATE_BY_S),
    "invoice_unpaid": Workload(1, invoice_unpaid),
    "customer_deposit": Workload(3, customer_deposit),
    "refund": Workload(3, refund),
    "wallet_transfer": Workload(2, wallet_transfer),
    "usdt_transfer": Workload(2, usdt_transfer),
    "payout_v0": Workload(2, payout_v0),
    "payout_kyc": Workload(2, payout_kyc),
    "payout_batch": Workload(1, payout_batch),
    "deposit_to_sweep": Workload(1, deposit_to_sweep),
}
