"""The wallet-manager API: tenant isolation, scopes, idempotent transfers, balances and
ledger statements."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Customer
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingTransaction
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import Hold, HoldStatus

pytestmark = pytest.mark.django_db

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def _other_tenant_api(scopes: list[str] | None = None) -> APIClient:
    tenant = client_create(name="someone-else")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=scopes or [Scope.WALLETS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return api


def test_wallets_are_created_listed_and_invisible_to_other_tenants(wallets_api) -> None:
    _, api = wallets_api
    hot = api.post("/api/v1/wallets", {"kind": "hot", "label": "payouts"}, format="json")
    cold = api.post("/api/v1/wallets", {"kind": "cold", "address": RECIPIENT}, format="json")
    assert hot.status_code == 201 and cold.status_code == 201, (hot.content, cold.content)
    assert cold.json()["address"] == RECIPIENT and cold.json()["key_source"] == "watch_only"

    listed = api.get("/api/v1/wallets").json()
    assert [w["id"] for w in listed] == [hot.json()["id"], cold.json()["id"]]

    other = _other_tenant_api()
    assert other.get("/api/v1/wallets").json() == []
    response = other.get(f"/api/v1/wallets/{hot.json()['id']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "wallet_not_found"


def test_a_key_without_the_wallets_scope_is_refused() -> None:
    api = _other_tenant_api(scopes=[Scope.PAYOUTS])
    response = api.get("/api/v1/wallets")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_bad_wallet_input_is_a_400_in_the_error_shape(wallets_api) -> None:
    _, api = wallets_api
    response = api.post("/api/v1/wallets", {"kind": "cold"}, format="json")
    assert response.status_code == 400
    assert "address" in response.json()["error"]["fields"]


def test_addresses_are_derived_for_the_callers_wallets_only(wallets_api) -> None:
    _, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "deposit"}, format="json").json()
    response = api.post(f"/api/v1/wallets/{wallet['id']}/addresses", {"label": "a"}, format="json")
    assert response.status_code == 201
    assert response.json()["index"] == 1

    other = _other_tenant_api()
    response = other.post(f"/api/v1/wallets/{wallet['id']}/addresses", {}, format="json")
    assert response.status_code == 404


def test_deposit_address_is_created_once_and_only_for_own_customers(wallets_api) -> None:
    tenant, api = wallets_api
    customer = Customer.objects.create(client=tenant, external_ref="c1")
    first = api.post(f"/api/v1/customers/{customer.pk}/deposit-address")
    again = api.post(f"/api/v1/customers/{customer.pk}/deposit-address")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["address"] == again.json()["address"]
    assert (
        _other_tenant_api().post(f"/api/v1/customers/{customer.pk}/deposit-address").status_code
        == 404
    )


def test_balances_for_the_client_and_for_one_customer(wallets_api) -> None:
    tenant, api = wallets_api
    customer = Customer.objects.create(client=tenant, external_ref="c1")
    ledger_credit(
        owner=LedgerOwner.customer(customer.pk, client_id=tenant.pk),
        asset=Asset.USDT,
        amount=12_500_000,
        reference="dep:1",
    )

    mine = api.get("/api/v1/balances").json()
    theirs = api.get(f"/api/v1/balances?customer={customer.pk}").json()

    assert mine["owner"] == "client"
    assert {b["asset"]: b["available"]["amount"] for b in mine["balances"]} == {
        "TRX": "0",
        "USDT": "0",
    }
    usdt = next(b for b in theirs["balances"] if b["asset"] == "USDT")
    assert usdt == {
        "asset": "USDT",
        "available": {"amount": "12.5", "asset": "USDT"},
        "held": {"amount": "0", "asset": "USDT"},
    }
    assert _other_tenant_api().get(f"/api/v1/balances?customer={customer.pk}").status_code == 404
    assert api.get("/api/v1/balances?customer=abc").status_code == 400


def test_ledger_entries_show_only_the_callers_postings(wallets_api) -> None:
    tenant, api = wallets_api
    customer = Customer.objects.create(client=tenant, external_ref="c1")
    owner = LedgerOwner.customer(customer.pk, client_id=tenant.pk)
    ledger_credit(owner=owner, asset=Asset.TRX, amount=1_000_000, reference="dep:1")
    ledger_credit(owner=owner, asset=Asset.USDT, amount=2_000_000, reference="dep:2")
    ledger_credit(owner=LedgerOwner.client(999_999), asset=Asset.TRX, amount=5, reference="x")

    page = api.get("/api/v1/ledger/entries?limit=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1
    newest = page["results"][0]
    assert newest["reference"] == "dep:2"
    assert newest["postings"] == [
        {
            "owner": "customer",
            "owner_id": customer.pk,
            "asset": "USDT",
            "bucket": "available",
            "amount": "2",
            "balance_after": "2",
        }
    ]  # the platform's custody leg is not shown
    only_trx = api.get("/api/v1/ledger/entries?asset=TRX").json()
    assert [e["reference"] for e in only_trx["results"]] == ["dep:1"]
    assert api.get("/api/v1/ledger/entries?kind=nonsense").status_code == 400
    assert _other_tenant_api().get("/api/v1/ledger/entries").json()["count"] == 0


def test_a_trx_transfer_needs_an_idempotency_key_holds_funds_and_replays(wallets_api) -> None:
    tenant, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=3_000_000, reference="fund"
    )
    body = {"to": RECIPIENT, "amount": {"amount": "2", "asset": "TRX"}}
    url = f"/api/v1/wallets/{wallet['id']}/transfers"

    missing = api.post(url, body, format="json")
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    replay = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    too_much = api.post(
        url,
        {"to": RECIPIENT, "amount": {"amount": "1.5", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="t-2",
    )

    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "idempotency_key_required"
    assert first.status_code == 202, first.content
    assert replay.json() == first.json()
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "insufficient_funds"
    assert OutgoingTransaction.objects.count() == 1
    hold = Hold.objects.get()
    assert (hold.amount, hold.status) == (2_000_000, HoldStatus.HELD)
    assert first.json()["amount"] == {"amount": "2", "asset": "TRX"}
    assert first.json()["to"] == RECIPIENT


def test_transfers_only_from_hot_wallets(wallets_api) -> None:
    _, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "deposit"}, format="json").json()
    response = api.post(
        f"/api/v1/wallets/{wallet['id']}/transfers",
        {"to": RECIPIENT, "amount": {"amount": "1", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wallet_cannot_send"


def test_the_openapi_document_describes_the_wallet_manager(wallets_api) -> None:
    _, api = wallets_api
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
