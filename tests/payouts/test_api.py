"""The payouts API without the chain: acceptance and refusals, funding by client or
customer, the payout fee, internal payouts (an address in our custody), cancel, the list
and its filters, and tenant isolation."""

from __future__ import annotations

from typing import Any

import pytest

from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from lucid_payments.tron.selectors import outgoing_by_reference
from payouts.models import Payout, PayoutSettings
from payouts.sending import payout_send, payouts_resume
from tests.payouts.conftest import UNIT, Tenant, custody_address_of_another_client, keyed_tenant
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.models.ledger import Hold

pytestmark = pytest.mark.django_db

EXTERNAL = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def _available(owner: LedgerOwner, asset: Asset) -> int:
    return next((b.available for b in owner_balances(owner=owner) if b.asset == asset), 0)


def _types(payout_id: str) -> list[str]:
    return list(
        Event.objects.filter(object_id=payout_id).order_by("id").values_list("type", flat=True)
    )


def test_an_accepted_payout_holds_amount_and_fee_and_replays_its_answer(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    PayoutSettings.objects.create(client=tenant.client, fee_usdt=UNIT // 2)
    customer = tenant.customer()
    body = {
        "customer_id": customer.pk,
        "destination": custody_destination,
        "asset": "USDT",
        "amount": "10",
        "reference": "order-1",
        "metadata": {"order": 1},
    }
    first = tenant.post("/api/v1/payouts", body, HTTP_IDEMPOTENCY_KEY="k1")
    again = tenant.post("/api/v1/payouts", body, HTTP_IDEMPOTENCY_KEY="k1")

    assert first.status_code == 201, first.content
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    payout = first.json()
    assert payout["amount"] == {"amount": "10", "asset": "USDT"}
    assert payout["fee"] == {"amount": "0.5", "asset": "USDT"}
    assert payout["funding"] == "client" and payout["internal"] is True
    assert payout["network_cost_estimate"] == {"amount": "0", "asset": "TRX"}
    assert payout["metadata"] == {"order": 1} and payout["reference"] == "order-1"
    assert tenant.balance(Asset.USDT) == (89_500_000, 10_500_000)
    assert Payout.objects.count() == 1

    other_body = tenant.post("/api/v1/payouts", {**body, "amount": "11"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert other_body.status_code == 422
    assert other_body.json()["error"]["code"] == "idempotency_key_reused"
    same_reference = tenant.post("/api/v1/payouts", body)
    assert same_reference.status_code == 409
    assert same_reference.json()["error"]["code"] == "reference_in_use"
    missing_key = tenant.api.post("/api/v1/payouts", body, format="json")
    assert missing_key.status_code == 400
    assert Payout.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 10},
        {"amount": "0"},
        {"amount": "1.0000001"},
        {"amount": "-1"},
        {"asset": "BTC"},
        {"destination": "not-an-address"},
        {"reference": ""},
        {"funding": "platform"},
        {"metadata": "x"},
        {"customer_id": "one"},
    ],
)
def test_bad_input_is_a_400_that_changes_nothing(
    tenant: Tenant, custody_destination: str, change: dict[str, Any]
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    customer = tenant.customer()
    body = {
        "customer_id": customer.pk,
        "destination": custody_destination,
        "asset": "USDT",
        "amount": "1",
        "reference": "r",
        **change,
    }
    response = tenant.post("/api/v1/payouts", body)
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not Payout.objects.exists() and not Hold.objects.exists()


def test_a_payout_beyond_the_balance_is_insufficient_funds(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 5 * UNIT)
    PayoutSettings.objects.create(client=tenant.client, fee_usdt=1)
    response = tenant.payout(tenant.customer(), custody_destination, "5")  # 5 + the fee
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert not Payout.objects.exists() and not Event.objects.filter(type__startswith="payout.")
    # The hold comes last in the transaction: the audit row written before it is gone too.
    assert not AuditEvent.objects.filter(action__startswith="payout.").exists()
    assert tenant.balance(Asset.USDT) == (5 * UNIT, 0)


def test_without_a_hot_wallet_a_payout_outside_custody_is_refused(tenant: Tenant) -> None:
    tenant.fund(Asset.USDT, 5 * UNIT)
    response = tenant.payout(tenant.customer(), EXTERNAL, "1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_hot_wallet"
    assert not Payout.objects.exists()


def test_a_customer_funded_payout_uses_the_customers_balance(
    tenant: Tenant, custody_destination: str
) -> None:
    customer = tenant.customer()
    tenant.fund(Asset.TRX, 100 * UNIT)  # the client's money is not the customer's
    short = tenant.payout(customer, custody_destination, "3", asset="TRX", funding="customer")
    assert short.status_code == 422 and short.json()["error"]["code"] == "insufficient_funds"

    tenant.fund(Asset.TRX, 5 * UNIT, customer=customer)
    response = tenant.payout(customer, custody_destination, "3", asset="TRX", funding="customer")

    assert response.status_code == 201 and response.json()["funding"] == "customer"
    assert tenant.balance(Asset.TRX, customer) == (2 * UNIT, 3 * UNIT)
    assert tenant.balance(Asset.TRX) == (100 * UNIT, 0)


def test_an_internal_payout_moves_ledger_money_to_the_addresss_owner_without_a_transaction(
    tenant: Tenant,
) -> None:
    receiver, address = custody_address_of_another_client()
    owner = LedgerOwner.customer(receiver.pk, client_id=receiver.client_id)
    PayoutSettings.objects.create(client=tenant.client, fee_usdt=UNIT)
    tenant.fund(Asset.USDT, 50 * UNIT)
    payout = tenant.payout(tenant.customer(), address, "20").json()
    payout_row = Payout.objects.get(public_id=payout["id"])

    assert payout_send(payout_id=payout_row.pk) == "confirmed"
    assert payout_send(payout_id=payout_row.pk) == "confirmed"  # twice books once
    assert payouts_resume() == 0

    shown = tenant.api.get(f"/api/v1/payouts/{payout['id']}").json()
    assert shown["status"] == "confirmed" and shown["confirmed_at"] and shown["txid"] == ""
    assert shown["network_costs"] is None
    assert tenant.balance(Asset.USDT) == (29 * UNIT, 0)
    assert _available(owner, Asset.USDT) == 20 * UNIT
    assert _available(LedgerOwner.platform(), Asset.USDT) == UNIT  # the fee
    assert outgoing_by_reference(network="devnet", reference=payout_row.ledger_reference) is None
    assert _types(payout["id"]) == ["payout.created", "payout.confirmed"]


def test_an_internal_payout_to_the_funders_own_address_changes_no_owner(tenant: Tenant) -> None:
    customer = tenant.customer()
    tenant.fund(Asset.TRX, 10 * UNIT, customer=customer)
    from wallets.services import customer_deposit_address

    own_address, _ = customer_deposit_address(customer=customer)
    payout = tenant.payout(
        customer, own_address.address, "4", asset="TRX", funding="customer"
    ).json()
    assert payout_send(payout_id=Payout.objects.get(public_id=payout["id"]).pk) == "confirmed"
    assert tenant.balance(Asset.TRX, customer) == (10 * UNIT, 0)


def test_cancel_until_sending_releases_the_hold(tenant: Tenant, custody_destination: str) -> None:
    tenant.fund(Asset.USDT, 10 * UNIT)
    payout = tenant.payout(tenant.customer(), custody_destination, "4").json()

    cancelled = tenant.post(f"/api/v1/payouts/{payout['id']}/cancel")
    twice = tenant.post(f"/api/v1/payouts/{payout['id']}/cancel")

    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancelled_at"]
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "payout_not_cancellable"
    assert tenant.balance(Asset.USDT) == (10 * UNIT, 0)
    assert _types(payout["id"]) == ["payout.created", "payout.cancelled"]
    assert payout_send(payout_id=Payout.objects.get(public_id=payout["id"]).pk) == "cancelled"

    sent = tenant.payout(tenant.customer(), custody_destination, "4").json()
    payout_send(payout_id=Payout.objects.get(public_id=sent["id"]).pk)
    late = tenant.post(f"/api/v1/payouts/{sent['id']}/cancel")
    assert late.status_code == 409


def test_another_clients_payout_is_a_404(tenant: Tenant, custody_destination: str) -> None:
    tenant.fund(Asset.USDT, 10 * UNIT)
    payout = tenant.payout(tenant.customer(), custody_destination, "1").json()
    stranger = keyed_tenant()

    assert stranger.api.get(f"/api/v1/payouts/{payout['id']}").status_code == 404
    assert stranger.post(f"/api/v1/payouts/{payout['id']}/cancel").status_code == 404
    assert stranger.api.get("/api/v1/payouts").json()["payouts"] == []
    assert stranger.api.get(f"/api/v1/payouts?starting_after={payout['id']}").status_code == 404
    assert tenant.api.get("/api/v1/payouts/po_doesnotexist").status_code == 404
    assert Payout.objects.get(public_id=payout["id"]).status == "queued"


def test_a_key_without_the_payouts_scope_is_refused(custody_destination: str) -> None:
    from lucid_payments.accounts.scopes import Scope

    wallets_only = keyed_tenant(Scope.WALLETS)
    response = wallets_only.api.get("/api/v1/payouts")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_the_list_filters_and_pages_newest_first(tenant: Tenant, custody_destination: str) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    tenant.fund(Asset.TRX, 100 * UNIT)
    alice, bob = tenant.customer(), tenant.customer()
    ids = [
        tenant.payout(alice, custody_destination, "1", reference="a1").json()["id"],
        tenant.payout(bob, custody_destination, "1", asset="TRX", reference="b1").json()["id"],
        tenant.payout(alice, custody_destination, "2", reference="a2").json()["id"],
    ]
    tenant.post(f"/api/v1/payouts/{ids[2]}/cancel")

    def listed(query: str = "") -> list[str]:
        response = tenant.api.get(f"/api/v1/payouts{query}")
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["payouts"]]

    assert listed() == ids[::-1]
    assert listed("?status=cancelled") == [ids[2]]
    assert listed("?asset=TRX") == [ids[1]]
    assert listed(f"?customer_id={alice.pk}") == [ids[2], ids[0]]
    assert listed("?reference=b1") == [ids[1]]
    assert listed("?created_gte=2000-01-01T00:00:00Z&created_lt=2001-01-01T00:00:00Z") == []
    first = tenant.api.get("/api/v1/payouts?limit=2").json()
    assert [p["id"] for p in first["payouts"]] == [ids[2], ids[1]] and first["has_more"]
    rest = tenant.api.get(f"/api/v1/payouts?limit=2&starting_after={first['next_starting_after']}")
    assert [p["id"] for p in rest.json()["payouts"]] == [ids[0]]
    assert rest.json()["has_more"] is False and rest.json()["next_starting_after"] is None
    assert tenant.api.get("/api/v1/payouts?status=lost").status_code == 400
