"""Payouts under concurrent HTTP requests: the payout router under gunicorn (two workers
of eight threads, as in production, against the test database), a hundred client threads
released at once. One Idempotency-Key sent a hundred times is one payout with one answer;
a hundred different payouts against a balance that covers ten accept exactly ten, refuse
the rest with insufficient_funds, and never overdraw.

The destinations are addresses in our custody, so no node is involved; the server has no
worker, so the accepted payouts stay queued."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create
from lucid_payments.core.money import Asset
from payouts.models import Payout
from tests.payouts.conftest import UNIT, custody_address_of_another_client, keyed_tenant
from tests.security.gunicorn_process import gunicorn_service
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 100
THREADS = REQUESTS  # every request in flight at once


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module: it reads whatever each test committed."""
    env = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "8"}
    home = tmp_path_factory.mktemp("payout-router")
    with gunicorn_service("lucid_payments.settings.payout_router", home, env=env) as service:
        yield service.base_url


@pytest.fixture
def http(server: str) -> Iterator[tuple[Any, httpx.Client]]:
    tenant = keyed_tenant()
    _, key = api_key_create(client=tenant.client, name="load", scopes=[Scope.PAYOUTS])
    with httpx.Client(
        base_url=server,
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
        limits=httpx.Limits(max_connections=REQUESTS),
    ) as client:
        yield tenant, client


def _in_parallel(requests: list[dict[str, Any]], client: httpx.Client) -> list[httpx.Response]:
    start = threading.Barrier(THREADS)

    def share(first: int) -> list[httpx.Response]:
        start.wait()
        return [
            client.post("/api/v1/payouts", json=r["body"], headers=r["headers"])
            for r in requests[first::THREADS]
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        return [response for chunk in pool.map(share, range(THREADS)) for response in chunk]


def test_one_key_sent_a_hundred_times_at_once_is_one_payout(
    http: tuple[Any, httpx.Client],
) -> None:
    tenant, client = http
    tenant.fund(Asset.USDT, 100 * UNIT)
    destination = custody_address_of_another_client()[1]
    body = {
        "customer_id": tenant.customer().pk,
        "destination": destination,
        "asset": "USDT",
        "amount": "3",
        "reference": "once",
    }
    same = {"body": body, "headers": {"Idempotency-Key": "the-one-key"}}

    responses = _in_parallel([same] * REQUESTS, client)

    assert [r.status_code for r in responses] == [201] * REQUESTS, {
        r.status_code: r.text for r in responses
    }
    assert len({r.text for r in responses}) == 1
    assert Payout.objects.filter(client=tenant.client).count() == 1
    assert tenant.balance(Asset.USDT)[0] == 97 * UNIT
    assert_ledger_consistent()


def test_a_hundred_payouts_against_a_balance_for_ten_accept_exactly_ten(
    http: tuple[Any, httpx.Client],
) -> None:
    tenant, client = http
    tenant.fund(Asset.USDT, 10 * UNIT)
    customers = [tenant.customer() for _ in range(4)]
    destinations = [custody_address_of_another_client()[1] for _ in range(4)]
    requests = [
        {
            "body": {
                "customer_id": customers[i % 4].pk,
                "destination": destinations[(i // 4) % 4],
                "asset": "USDT",
                "amount": "1",
                "reference": f"p-{i}",
            },
            "headers": {"Idempotency-Key": uuid.uuid4().hex},
        }
        for i in range(REQUESTS)
    ]

    responses = _in_parallel(requests, client)

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 10 + [422] * 90, {r.status_code: r.text for r in responses}
    refused = {r.json()["error"]["code"] for r in responses if r.status_code == 422}
    assert refused == {"insufficient_funds"}
    assert Payout.objects.filter(client=tenant.client).count() == 10
    assert tenant.balance(Asset.USDT) == (0, 10 * UNIT)
    assert_ledger_consistent()
