"""Reads of the platform through its public API, as the client application sees it:
every event, every invoice, a customer's balance, where each movement of money out stands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bench.soak.amounts import base_units
from bench.soak.api import Api
from bench.soak.state import SoakState

TERMINAL = frozenset({"confirmed", "failed", "cancelled"})
# The object type in the event types of each kind of movement out (usdt_transfer.confirmed).
EVENT_OBJECT = {
    "refund": "refund",
    "wallet_transfer": "wallet_transfer",
    "usdt_transfer": "usdt_transfer",
    "payout_v0": "payout",
    "payout_kyc": "payout",
    "batch_payout": "payout",
}
PAYOUT_KINDS = frozenset({"payout_v0", "payout_kyc", "batch_payout"})


def _pages(api: Api, path: str, items: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a newest-first cursor list."""
    cursor: str | None = None
    while True:
        query = {"limit": 100, **params}
        if cursor:
            query["starting_after"] = cursor
        page = api.get(path, **query)
        yield from page[items]
        cursor = page.get("next_starting_after")
        if not page.get("has_more") or not cursor:
            return


def all_events(api: Api, *, since: str) -> list[dict[str, Any]]:
    return list(_pages(api, "/api/v1/events", "events", created_gte=since))


def all_invoices(api: Api) -> dict[str, dict[str, Any]]:
    return {invoice["id"]: invoice for invoice in _pages(api, "/api/v1/invoices", "invoices")}


def all_sweeps(api: Api) -> list[dict[str, Any]]:
    return list(_pages(api, "/api/v1/sweeps", "sweeps"))


def pending_deliveries(api: Api, endpoint_id: str) -> list[dict[str, Any]]:
    path = f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries"
    return list(_pages(api, path, "deliveries", status="pending"))


def customer_available(api: Api, customer_id: int, asset: str) -> int:
    body = api.get("/api/v1/balances", customer=customer_id)
    for balance in body["balances"]:
        if balance["asset"] == asset:
            return base_units(balance["available"]["amount"])
    return 0


def refresh_outgoing(state: SoakState, events: list[dict[str, Any]]) -> None:
    """Each movement out's status from its latest event, as a client following the
    events learns it (one list instead of a request per object)."""
    latest: dict[tuple[str, str], str] = {}
    for event in reversed(events):  # oldest first: the last one wins
        kind, _, status = event["type"].rpartition(".")
        latest[(kind, event["object_id"])] = status
    for record in state.outgoing:
        record.status = latest.get((EVENT_OBJECT[record.kind], record.id), "pending")


def outgoing_as_shown(state: SoakState) -> dict[str, str]:
    """Each movement out's status as its own API object shows it (one request each)."""
    shown: dict[str, str] = {}
    refunds: dict[str, dict[str, str]] = {}
    for record in state.outgoing:
        if record.kind == "wallet_transfer":
            continue  # no read endpoint: its events are what the API offers
        if record.kind in PAYOUT_KINDS:
            shown[record.id] = state.apis.accounts.get(f"/api/v1/payouts/{record.id}")["status"]
        elif record.kind == "usdt_transfer":
            shown[record.id] = state.apis.usdt.get(f"/api/v1/usdt/transfers/{record.id}")["status"]
        elif record.kind == "refund":
            if record.parent_id not in refunds:
                listed = state.apis.gateway.get(f"/api/v1/invoices/{record.parent_id}/refunds")
                refunds[record.parent_id] = {r["id"]: r["status"] for r in listed["refunds"]}
            shown[record.id] = refunds[record.parent_id].get(record.id, "missing")
    return shown
