"""An API client holding a key with the TRON scope, and a client-side signer."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create


def keyed_client(scopes: list[str]) -> APIClient:
    tenant = client_create(name=f"tenant-{'-'.join(scopes) or 'none'}")
    _, plaintext = api_key_create(client=tenant, name="test", scopes=scopes)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return api


@pytest.fixture
def tron_api() -> APIClient:
    return keyed_client([Scope.TRON])
