"""Fixtures of the events tests: tenants with a gateway key, the devnet, a fixed master key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from tests.wallets.conftest import (  # noqa: F401 - fixtures
    devnet,
    next_owner_id,
    test_master_key,
    wallets_api,
)


def keyed_client(*scopes: str) -> tuple[Client, APIClient]:
    tenant = client_create(name=f"events-tenant-{next_owner_id()}")
    _, key = api_key_create(client=tenant, name="events test", scopes=list(scopes))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return tenant, api


@pytest.fixture
def gateway_api(db: None) -> Iterator[tuple[Client, Any]]:
    """(client, APIClient) for a tenant whose key has the gateway and wallets scopes."""
    yield keyed_client(Scope.GATEWAY, Scope.WALLETS)
