"""Fixtures for the staking tests: a devnet whose unfreeze wait is a few blocks (so
withdrawing after it is testable), and a tenant whose key may manage wallets and stake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.test import APIClient

from devnet.testing import running_devnet
from lucid_payments.accounts.models import Client
from lucid_payments.tron.adapter.node import reset_node
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.conftest import (
    next_owner_id,
    test_master_key,  # noqa: F401 - autouse: a fixed master key
)

# Ten 3-second blocks: an unfreeze made final (SOLID_LAG + 1 blocks) is still waiting.
UNFREEZE_DELAY_MS = 30_000


@pytest.fixture
def devnet(settings: SettingsWrapper) -> Iterator[DevnetHandle]:
    with running_devnet(solid_lag=SOLID_LAG, unfreeze_delay_ms=UNFREEZE_DELAY_MS) as chain:
        settings.TRON_NODE_URLS = [chain.url]
        settings.TRON_NODE_URL = chain.url
        settings.TRONGRID_API_KEY = ""
        settings.TRON_SCAN_START_BLOCK = 0
        settings.TRON_NODE_BACKOFF_MAX_S = 0.2
        settings.TRON_NODE_TIMEOUT_S = 5.0
        reset_node()
        try:
            yield DevnetHandle(chain)
        finally:
            reset_node()


def tenant_api(name: str) -> tuple[Client, APIClient]:
    from lucid_payments.accounts.scopes import Scope
    from lucid_payments.accounts.services import api_key_create, client_create

    tenant = client_create(name=f"{name}-{next_owner_id()}")
    _, plaintext = api_key_create(
        client=tenant, name="staking test", scopes=[Scope.WALLETS, Scope.STAKING]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return tenant, api


@pytest.fixture
def staking_api(db: None) -> tuple[Client, APIClient]:
    """(client, APIClient) for a fresh tenant with the wallets and staking scopes."""
    return tenant_api("staking-tenant")
