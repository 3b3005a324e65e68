"""Fixtures of the invoice tests: a tenant with a gateway key, a clock the test sets, the
devnet, and helpers that pay an invoice on chain and let the scanner see it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gateway.invoices.clock import clock_set
from lucid_payments.accounts.models import Client
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.events.models import Event
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.conftest import (  # noqa: F401 - fixtures
    devnet,
    next_owner_id,
    test_master_key,
)


@dataclass
class Tenant:
    client: Client
    api: APIClient

    def post(self, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        headers.setdefault("HTTP_IDEMPOTENCY_KEY", uuid.uuid4().hex)
        return self.api.post(path, body or {}, format="json", **headers)

    def invoice(self, **body: Any) -> dict[str, Any]:
        response = self.post("/api/v1/invoices", {"asset": "USDT", **body})
        assert response.status_code == 201, response.content
        return dict(response.json())

    def get_invoice(self, invoice_id: str) -> dict[str, Any]:
        response = self.api.get(f"/api/v1/invoices/{invoice_id}")
        assert response.status_code == 200, response.content
        return dict(response.json())


def keyed_tenant() -> Tenant:
    client = client_create(name=f"invoices-tenant-{next_owner_id()}")
    _, key = api_key_create(client=client, name="invoices", scopes=[Scope.GATEWAY, Scope.WALLETS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return Tenant(client, api)


@pytest.fixture
def tenant(db: None) -> Tenant:
    return keyed_tenant()


class SettableClock:
    """The gateway's clock in a test: starts at the real time, moves when told."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return timezone.now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Iterator[SettableClock]:
    settable = SettableClock()
    with clock_set(settable):
        yield settable


def seen(chain: DevnetHandle) -> None:
    """Put what was broadcast in a block and let the scanner report it seen."""
    chain.mine()
    scan_once(BlockScanner())


def final(chain: DevnetHandle) -> None:
    """Solidify everything mined so far and let the scanner report it final."""
    chain.mine(SOLID_LAG)
    scan_once(BlockScanner())


def pay(chain: DevnetHandle, address: str, *, usdt: int = 0, trx: int = 0) -> dict[str, str]:
    """A real signed transfer from a genesis account (the devnet's faucet)."""
    return chain.faucet(address, usdt=usdt, trx=trx)


def event_types(invoice_id: str) -> list[str]:
    return list(
        Event.objects.filter(object_id=invoice_id).order_by("id").values_list("type", flat=True)
    )
