from __future__ import annotations

import hashlib

import pytest

from lucid_payments.accounts.api_keys import looks_like_api_key
from lucid_payments.accounts.models import ApiKey, Client
from lucid_payments.accounts.scopes import ALL_SCOPES, Scope
from lucid_payments.accounts.selectors import api_key_by_plaintext
from lucid_payments.accounts.services import api_key_create, api_key_revoke, client_create
from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_key_is_stored_only_as_a_hash_with_a_visible_prefix(tenant: Client) -> None:
    api_key, plaintext = api_key_create(client=tenant, name="server")
    assert looks_like_api_key(plaintext)
    assert plaintext.startswith(api_key.prefix + "_")
    assert api_key.prefix.startswith("lp_test_") and len(api_key.prefix) == 16
    stored = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert plaintext not in {str(value) for value in stored.values()}
    assert stored["key_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()


def test_mainnet_keys_are_marked_live(tenant: Client, settings: pytest.FixtureRequest) -> None:
    settings.TRON_NETWORK = "mainnet"
    api_key, _ = api_key_create(client=tenant, name="prod")
    assert api_key.prefix.startswith("lp_live_")


def test_scopes_default_to_all_and_unknown_scopes_are_refused(tenant: Client) -> None:
    everything, _ = api_key_create(client=tenant, name="all")
    assert sorted(everything.scopes) == sorted(ALL_SCOPES)
    limited, _ = api_key_create(client=tenant, name="payouts", scopes=[Scope.PAYOUTS])
    assert limited.scopes == ["payouts"]
    with pytest.raises(InvalidInput):
        api_key_create(client=tenant, name="bad", scopes=["payouts", "root"])
    with pytest.raises(InvalidInput):
        api_key_create(client=tenant, name="none", scopes=[])


def test_lookup_finds_active_keys_only(tenant: Client) -> None:
    api_key, plaintext = api_key_create(client=tenant, name="k")
    found = api_key_by_plaintext(plaintext)
    assert found is not None and found.pk == api_key.pk
    assert api_key_by_plaintext(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    api_key_revoke(api_key=api_key)
    assert api_key_by_plaintext(plaintext) is None


def test_revoking_twice_keeps_the_first_time_and_audits_once(tenant: Client) -> None:
    api_key, _ = api_key_create(client=tenant, name="k")
    first = api_key_revoke(api_key=api_key).revoked_at
    second = api_key_revoke(api_key=api_key).revoked_at
    assert first is not None and first == second
    assert (
        AuditEvent.objects.filter(action="api_key.revoked", object_id=str(api_key.pk)).count() == 1
    )


def test_client_names_are_unique() -> None:
    client_create(name="shop")
    with pytest.raises(Conflict):
        client_create(name="shop")


def test_creating_clients_and_keys_is_audited(tenant: Client) -> None:
    api_key, _ = api_key_create(client=tenant, name="k")
    actions = set(AuditEvent.objects.filter(client_id=tenant.pk).values_list("action", flat=True))
    assert {"client.created", "api_key.created"} <= actions
    created = AuditEvent.objects.get(action="api_key.created", object_id=str(api_key.pk))
    assert created.data["prefix"] == api_key.prefix
