"""A customer deposit on the devnet reaches the client's receiver as deposit.seen, then
deposit.credited once final: each one signed and verifiable with standardwebhooks."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from lucid_payments.accounts.models import Customer
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.gateway.conftest import endpoint_for
from tests.gateway.receiver import Receiver
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.conftest import devnet, wallets_api  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

TEN_USDT = 10_000_000


def test_a_deposit_produces_seen_then_credited_signed_webhooks(
    devnet: DevnetHandle,  # noqa: F811 - the fixture imported above
    wallets_api: tuple[object, object],  # noqa: F811
    receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    tenant, api = wallets_api
    made = endpoint_for(tenant, receiver.url, events=["deposit.*"])  # type: ignore[arg-type]
    customer = Customer.objects.create(client=tenant, external_ref="alice")
    response = api.post(f"/api/v1/customers/{customer.pk}/deposit-address")  # type: ignore[attr-defined]
    address = response.json()["address"]

    devnet.faucet(address, usdt=TEN_USDT)
    devnet.mine()
    scanner = BlockScanner()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        scan_once(scanner)
    seen = [json.loads(r.body) for r in receiver.received]
    assert [body["type"] for body in seen] == ["deposit.seen"]

    devnet.mine(SOLID_LAG)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        scan_once(scanner)
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [body["type"] for body in bodies] == ["deposit.seen", "deposit.credited"]
    assert all(r.verifies_with(made.secret) for r in receiver.received)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 2
    credited = bodies[1]["data"]
    assert credited["status"] == "credited" and credited["to_address"] == address
    assert credited["amount"] == {"amount": "10", "asset": "USDT"}
    assert credited["customer_id"] == customer.pk
