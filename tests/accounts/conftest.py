"""Fixtures for accounts tests: tenants, keys, authenticated API clients, operators."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient

from lucid_payments.accounts.models import ApiKey, Client, Customer
from lucid_payments.accounts.services import api_key_create, client_create

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n" + b"%\x00" * 32

KeyedClient = Callable[..., APIClient]


@pytest.fixture(autouse=True)
def private_media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Each test stores KYC documents in its own directory, so it can see what was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def tenant() -> Client:
    return client_create(name="shop-a")


@pytest.fixture
def other_tenant() -> Client:
    return client_create(name="shop-b")


@pytest.fixture
def keyed_client() -> KeyedClient:
    """``keyed_client(tenant, scopes=[...])``: an APIClient sending a fresh key."""

    def make(client: Client, scopes: Iterable[str] | None = None) -> APIClient:
        api_key, plaintext = api_key_create(client=client, name="test", scopes=scopes)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        api.api_key = api_key
        return api

    return make


@pytest.fixture
def api(tenant: Client, keyed_client: KeyedClient) -> APIClient:
    return keyed_client(tenant)


@pytest.fixture
def customer(tenant: Client) -> Customer:
    return Customer.objects.create(client=tenant, external_ref="cust-1")


def make_operator(username: str, *, review: bool = True) -> User:
    """A staff member who can work the KYC queue (and approve, when ``review``)."""
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    codenames = ["view_kycapplication", "add_kycapplication", "change_kycapplication"]
    codenames += ["view_kycdocument", "add_kycdocument", "view_customer"]
    if review:
        codenames.append("review_kycapplication")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)  # fresh: permissions are cached per instance


__all__ = ["ApiKey", "make_operator"]
