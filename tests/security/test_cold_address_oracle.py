"""Registering a watch-only (cold) address answers the same whoever else holds it: no 500,
and no way to learn whether an address belongs to the platform or another tenant. Two
tenants over real HTTP, as the probe did."""

from __future__ import annotations

import pytest

from tests.security.tenants import Tenant
from wallets.models import Wallet

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_another_tenants_addresses_register_as_cold_like_any_unknown_address(
    tenants: tuple[Tenant, Tenant],
) -> None:
    alice, bob = tenants
    bob_hot = bob.wallet("hot")["address"]
    _, bob_deposit = bob.deposit_address("carol")

    answers = [
        alice.post("/api/v1/wallets", {"kind": "cold", "address": address})
        for address in (bob_hot, bob_deposit, UNKNOWN)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert [sorted(a.json()) for a in answers] == [sorted(answers[2].json())] * 3
    # Bob's hot wallet is still his, and still the only wallet that can sign for it.
    assert Wallet.objects.get(address=bob_hot, key_source="hd").client_id == bob.client.pk


def test_a_client_registers_an_address_once(tenants: tuple[Tenant, Tenant]) -> None:
    alice, _ = tenants
    first = alice.post("/api/v1/wallets", {"kind": "cold", "address": UNKNOWN})
    again = alice.post("/api/v1/wallets", {"kind": "cold", "address": UNKNOWN})
    own_hot = alice.wallet("hot")["address"]
    own = alice.post("/api/v1/wallets", {"kind": "cold", "address": own_hot})

    assert first.status_code == 201, first.text
    for refused in (again, own):
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["code"] == "address_already_registered"
        assert "address" in refused.json()["error"]["fields"]
    assert Wallet.objects.filter(client=alice.client, kind="cold").count() == 1
