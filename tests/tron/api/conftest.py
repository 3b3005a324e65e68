"""API clients holding keys with the TRON scope (one tenant each), and helpers to sign."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create

_tenant_numbers = itertools.count(1)


class TenantApiClient(APIClient):
    """An API client authenticated with a key of ``tenant``."""

    def __init__(self, tenant: Client, plaintext_key: str) -> None:
        super().__init__()
        self.tenant = tenant
        self.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext_key}")


def keyed_client(scopes: list[str], *, tenant: Client | None = None) -> TenantApiClient:
    """An API client with a fresh key of ``tenant`` (a new tenant if none is given)."""
    if tenant is None:
        tenant = client_create(name=f"tenant-{next(_tenant_numbers)}-{'-'.join(scopes)}")
    _, plaintext = api_key_create(client=tenant, name="test", scopes=scopes)
    return TenantApiClient(tenant, plaintext)


@pytest.fixture
def tron_api() -> TenantApiClient:
    return keyed_client([Scope.TRON])


@pytest.fixture
def other_tron_api() -> TenantApiClient:
    """A second tenant's key with the same scope: must never see the first one's records."""
    return keyed_client([Scope.TRON])
