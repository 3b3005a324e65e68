"""The soak's verdict: the ledger balances and agrees with the chain (``ledger_verify``,
``reconcile``), no movement of money out reached the chain twice or unlike what the API
says, every event reached the receiver, and invoices and deposits show what was paid."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from bench.soak.amounts import base_units
from bench.soak.chain import ChainView, chain_view
from bench.soak.observe import (
    all_events,
    all_invoices,
    all_sweeps,
    customer_available,
    outgoing_as_shown,
    refresh_outgoing,
)
from bench.soak.receiver import FlakyReceiver
from bench.soak.settle import on_chain_sum, token_address
from bench.soak.stack import RunningStack
from bench.soak.state import InvoiceRecord, SoakState

# What each kind of invoice must end as, once every payment that reached the chain is final.
INVOICE_EXPECTATIONS: dict[str, Callable[[InvoiceRecord, dict[str, Any], int], bool]] = {
    "paid": lambda record, shown, on_chain: (
        shown["status"] == "paid" if on_chain >= record.amount else shown["status"] != "paid"
    ),
    "partly_paid": lambda record, shown, on_chain: shown["status"] != "paid",
    "paid_late": lambda record, shown, on_chain: (
        shown["status"] == "paid" and shown["exception"] == "paid_late"
        if on_chain >= record.amount
        else shown["status"] != "paid"
    ),
    "unpaid": lambda record, shown, on_chain: shown["status"] in ("new", "expired"),
}


def _ledger_commands(stack: RunningStack, report: Callable[[str], None]) -> dict[str, bool]:
    """Whether ``reconcile`` and ``ledger_verify`` each found nothing wrong."""
    done = stack.run_module("bench.soak.ledger_checks")
    if done.returncode != 0:
        report(f"soak: the ledger commands did not run:\n{done.stdout}\n{done.stderr[-3000:]}")
        return {"reconcile_ok": False, "ledger_verify_ok": False}
    results = json.loads(done.stdout.strip().splitlines()[-1])
    verdict = {}
    for name, result in results.items():
        lines = result["output"].strip().splitlines() or [""]
        report(f"soak: {name}: exit {result['exit']}: {lines[-1]}")
        if result["exit"] != 0:
            report(result["output"][-3000:])
        verdict[f"{name}_ok"] = result["exit"] == 0
    return verdict


def _outgoing(state: SoakState, view: ChainView) -> dict[str, Any]:
    received = view.received_by()
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    twice: list[str] = []
    wrong: list[str] = []
    shown = outgoing_as_shown(state)
    for record in state.outgoing:
        by_kind[record.kind][record.status] += 1
        if record.id in shown and shown[record.id] != record.status:
            wrong.append(
                f"{record.kind} {record.id}: {shown[record.id]}, events say {record.status}"
            )
        arrived = received.get(record.to_address, [])
        if len(arrived) > 1:
            twice.append(f"{record.kind} {record.id}: {len(arrived)} transactions")
        expected = 1 if record.status == "confirmed" else 0
        exact = all(t.amount == record.amount and t.asset == record.asset for t in arrived)
        if len(arrived) != expected or not exact:
            wrong.append(f"{record.kind} {record.id} {record.status}: {arrived}")
    return {
        "outgoing": {kind: dict(statuses) for kind, statuses in by_kind.items()},
        "sent_twice": twice,
        "outgoing_unlike_chain": wrong,
    }


def _invoices(state: SoakState, view: ChainView) -> dict[str, Any]:
    shown = all_invoices(state.apis.gateway)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: list[str] = []
    for record in state.invoices:
        invoice = shown[record.id]
        on_chain = on_chain_sum(view, record.payments)
        statuses[record.kind][f"{invoice['status']}/{invoice['exception']}"] += 1
        credited = base_units(invoice["paid_amount"]["amount"])
        if credited != on_chain or not INVOICE_EXPECTATIONS[record.kind](record, invoice, on_chain):
            wrong.append(f"{record.id} {record.kind}: {invoice['status']} {credited}/{on_chain}")
    return {"invoices": {k: dict(v) for k, v in statuses.items()}, "invoices_wrong": wrong}


def _deposits(state: SoakState, view: ChainView) -> dict[str, Any]:
    wrong = []
    for deposit in state.deposits.values():
        credited = customer_available(state.apis.wallets, deposit.customer_id, deposit.asset)
        if credited != on_chain_sum(view, deposit.payments):
            wrong.append(f"customer {deposit.customer_id}: {credited}")
    return {
        "deposits": sum(len(d.payments) for d in state.deposits.values()),
        "deposits_wrong": wrong,
    }


def _payments_lost(state: SoakState, view: ChainView) -> int:
    """Payments a fork took off the chain (never credited, as it must be)."""
    payments = [p for i in state.invoices for p in i.payments]
    payments += [p for d in state.deposits.values() for p in d.payments]
    return sum(1 for p in payments if p.txid not in view.txids)


def check_everything(
    state: SoakState, stack: RunningStack, receiver: FlakyReceiver, report: Callable[[str], None]
) -> dict[str, Any]:
    view = chain_view(stack.devnet_url, token_address(stack))
    events = all_events(state.apis.gateway, since=state.events_since)
    refresh_outgoing(state, events)
    unacknowledged = [e["id"] for e in events if e["id"] not in receiver.acknowledged]
    summary: dict[str, Any] = {
        **_ledger_commands(stack, report),
        **_outgoing(state, view),
        **_invoices(state, view),
        **_deposits(state, view),
        "payments_lost_to_forks": _payments_lost(state, view),
        "sweeps": dict(Counter(s["status"] for s in all_sweeps(state.apis.gateway))),
        "events": len(events),
        "event_types": dict(Counter(e["type"] for e in events)),
        "events_unacknowledged": len(unacknowledged),
        "webhook_deliveries": receiver.deliveries,
        "webhook_deliveries_refused": receiver.refused,
        "webhook_unverified": receiver.unverified,
    }
    summary["ok"] = bool(
        summary["reconcile_ok"]
        and summary["ledger_verify_ok"]
        and not summary["sent_twice"]
        and not summary["outgoing_unlike_chain"]
        and not summary["invoices_wrong"]
        and not summary["deposits_wrong"]
        and not unacknowledged
        and not receiver.unverified
    )
    return summary
