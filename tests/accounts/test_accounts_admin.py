"""Clients, API keys and customers in the admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client as WebClient

from lucid_payments.accounts.api_keys import hash_api_key
from lucid_payments.accounts.models import ApiKey, Client, Customer
from lucid_payments.accounts.services import api_key_create
from lucid_payments.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web() -> WebClient:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    return web


def test_key_created_in_the_admin_is_shown_once_and_stored_hashed(
    admin_web: WebClient, tenant: Client
) -> None:
    response = admin_web.post(
        "/admin/accounts/apikey/add/",
        {"client": tenant.pk, "name": "checkout server", "scopes": ["payouts", "gateway"]},
    )
    assert response.status_code == 200
    shown = re.search(r'id="api-key-plaintext"[^>]*>([^<]+)<', response.content.decode())
    assert shown is not None
    plaintext = shown.group(1)
    api_key = ApiKey.objects.get(name="checkout server")
    assert api_key.key_hash == hash_api_key(plaintext)
    assert sorted(api_key.scopes) == ["gateway", "payouts"]
    assert "no-store" in response["Cache-Control"]

    change_page = admin_web.get(f"/admin/accounts/apikey/{api_key.pk}/change/").content.decode()
    assert api_key.prefix in change_page
    assert plaintext not in change_page and api_key.key_hash not in change_page
    listing = admin_web.get("/admin/accounts/apikey/").content.decode()
    assert plaintext not in listing
    assert AuditEvent.objects.filter(action="api_key.created", actor_label="root").exists()


def test_revoke_action_asks_why_then_revokes_and_audits(
    admin_web: WebClient, tenant: Client
) -> None:
    api_key, _ = api_key_create(client=tenant, name="old")
    chosen = {"action": "revoke_selected", "_selected_action": [api_key.pk]}
    asked = admin_web.post("/admin/accounts/apikey/", chosen)
    assert asked.status_code == 200 and 'id="reasoned-action-form"' in asked.content.decode()
    api_key.refresh_from_db()
    assert api_key.revoked_at is None  # nothing happens before the reason is given

    response = admin_web.post(
        "/admin/accounts/apikey/", {**chosen, "apply": "1", "reason": "leaked in a log"}
    )
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    event = AuditEvent.objects.get(action="api_key.revoked", actor_label="root")
    assert event.data["reason"] == "leaked in a log"
    revoked_list = admin_web.get("/admin/accounts/apikey/", {"state": "revoked"})
    assert api_key.prefix in revoked_list.content.decode()


def test_keys_and_clients_cannot_be_deleted(admin_web: WebClient, tenant: Client) -> None:
    api_key, _ = api_key_create(client=tenant, name="k")
    assert admin_web.get(f"/admin/accounts/apikey/{api_key.pk}/delete/").status_code == 403
    assert admin_web.get(f"/admin/accounts/client/{tenant.pk}/delete/").status_code == 403


def test_client_created_in_the_admin_is_audited(admin_web: WebClient) -> None:
    response = admin_web.post(
        "/admin/accounts/client/add/",
        {
            "name": "new shop",
            "is_active": "on",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    client = Client.objects.get(name="new shop")
    assert AuditEvent.objects.filter(action="client.created", client_id=client.pk).exists()


def test_blocking_a_customer_is_audited(admin_web: WebClient, customer: Customer) -> None:
    response = admin_web.post(
        "/admin/accounts/customer/",
        {"action": "block_selected", "_selected_action": [customer.pk]},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.BLOCKED
    event = AuditEvent.objects.get(action="customer.blocked")
    assert event.data == {"from": "active", "to": "blocked"}
