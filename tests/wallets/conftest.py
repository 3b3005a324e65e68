"""Fixtures and helpers for the wallets tests."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import pytest
from django.db import connection

from tests.tron.conftest import devnet  # noqa: F401 - the devnet fixture, shared with tron tests

_owner_ids = count(1_000)


def next_owner_id() -> int:
    """A fresh owner id per use, so tests that commit never share ledger accounts."""
    return next(_owner_ids)


def run_deferred_checks() -> None:
    """Fire the ledger's deferred constraint triggers now, as COMMIT would.

    Tests wrapped in a transaction never commit; switching the constraints to IMMEDIATE
    checks everything queued so far, and switching back restores commit-time checking.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def deferred_checks_after() -> Iterator[None]:
    """Run the commit-time checks at the end of a transactional test."""
    yield
    run_deferred_checks()


TEST_MASTER_KEY = (
    "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE="  # b"test-master-key-32-bytes-long!!!"
)


@pytest.fixture(autouse=True)
def test_master_key(settings: pytest.FixtureRequest) -> str:
    """A fixed master key, so tests never generate one under the developer's LUCID_HOME."""
    settings.LUCID_MASTER_KEY = TEST_MASTER_KEY  # type: ignore[attr-defined]
    settings.LUCID_MASTER_KEYS_RETIRED = []  # type: ignore[attr-defined]
    return TEST_MASTER_KEY


@pytest.fixture
def wallets_api(db: None) -> Iterator[tuple[object, object]]:
    """(client, APIClient) for a fresh tenant whose key has the wallets scope."""
    from rest_framework.test import APIClient

    from lucid_payments.accounts.scopes import Scope
    from lucid_payments.accounts.services import api_key_create, client_create

    tenant = client_create(name=f"wallets-tenant-{next_owner_id()}")
    _, plaintext = api_key_create(client=tenant, name="wallets test", scopes=[Scope.WALLETS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    yield tenant, api


@pytest.fixture
def unreachable_node(settings: pytest.FixtureRequest) -> Iterator[str]:
    """Point the platform at a port where nothing listens (fast: one attempt, no waits)."""
    import socket

    from lucid_payments.tron.adapter.node import reset_node

    with socket.socket() as probe:  # a free port, closed again: connections are refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.TRON_NODE_URLS = [url]  # type: ignore[attr-defined]
    settings.TRON_NODE_URL = url  # type: ignore[attr-defined]
    settings.TRON_NODE_MAX_ATTEMPTS = 1  # type: ignore[attr-defined]
    settings.TRON_NODE_BACKOFF_MAX_S = 0.01  # type: ignore[attr-defined]
    settings.TRON_NODE_TIMEOUT_S = 1.0  # type: ignore[attr-defined]
    reset_node()
    try:
        yield url
    finally:
        reset_node()
