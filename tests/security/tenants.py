"""Tenants of the security tests: client applications that talk to a live server over
real HTTP with their own API key, as the outside probe did."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lucid_payments.accounts.scopes import ALL_SCOPES
from lucid_payments.accounts.services import api_key_create, client_create
from tests.wallets.conftest import next_owner_id


class Tenant:
    """One client application talking to the platform over HTTP with its own API key."""

    def __init__(self, base_url: str, name: str) -> None:
        self.client = client_create(name=f"{name}-{next_owner_id()}")
        _, key = api_key_create(client=self.client, name="probe", scopes=list(ALL_SCOPES))
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(path, json=body or {}, headers={"Idempotency-Key": uuid.uuid4().hex})

    def wallet(self, kind: str, **extra: str) -> dict[str, Any]:
        response = self.post("/api/v1/wallets", {"kind": kind, **extra})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def deposit_address(self, external_ref: str) -> tuple[int, str]:
        customer = self.post("/api/v1/customers", {"external_ref": external_ref})
        assert customer.status_code == 201, customer.text
        customer_id = customer.json()["id"]
        address = self.post(f"/api/v1/customers/{customer_id}/deposit-address")
        assert address.status_code == 201, address.text
        return customer_id, str(address.json()["address"])

    def transfer_trx(self, wallet_id: int, to: str, trx: str) -> int:
        """Send ``trx`` (a decimal string) from a hot wallet; the outgoing transaction's id."""
        response = self.post(
            f"/api/v1/wallets/{wallet_id}/transfers",
            {"to": to, "amount": {"amount": trx, "asset": "TRX"}},
        )
        assert response.status_code == 202, response.text
        return int(response.json()["id"])

    def available(self, asset: str, customer_id: int | None = None) -> str:
        query = f"?customer={customer_id}" if customer_id is not None else ""
        response = self.http.get(f"/api/v1/balances{query}")
        assert response.status_code == 200, response.text
        row = next(b for b in response.json()["balances"] if b["asset"] == asset)
        return str(row["available"]["amount"])

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def tenants(live_server: Any) -> Iterator[tuple[Tenant, Tenant]]:
    alice, bob = Tenant(live_server.url, "alice"), Tenant(live_server.url, "bob")
    yield alice, bob
    alice.close()
    bob.close()
