"""Reads of the platform through its public API, as the client application sees it:
every event, every invoice, a customer's balance, where each movement of money out stands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bench.soak.amounts import base_units
from bench.soak.api import Api
from bench.soak.state import SoakState

TERMINAL = frozenset({"confirmed", "failed"})


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
    """Each movement out's status as the API shows it now."""
    wallet_transfers = {
        event["object_id"]: event["type"].rsplit(".", 1)[1]
        for event in reversed(events)  # oldest first: the last word wins
        if event["type"].startswith("wallet_transfer.")
    }
    refunds: dict[str, dict[str, str]] = {}
    for record in state.outgoing:
        if record.status in TERMINAL:
            continue
        if record.kind == "wallet_transfer":
            record.status = wallet_transfers.get(record.id, "pending")
        elif record.kind == "usdt_transfer":
            record.status = state.apis.usdt.get(f"/api/v1/usdt/transfers/{record.id}")["status"]
        elif record.kind == "refund":
            if record.parent_id not in refunds:
                listed = state.apis.gateway.get(f"/api/v1/invoices/{record.parent_id}/refunds")
                refunds[record.parent_id] = {r["id"]: r["status"] for r in listed["refunds"]}
            record.status = refunds[record.parent_id].get(record.id, "missing")
