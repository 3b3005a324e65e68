"""Book transfers between a client and its own customers (wallet-manager,
/api/v1/ledger/transfers): booked once, balanced, evented, and never across tenants."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import JournalEntry
from wallets.models.ledger_transfers import LedgerTransfer

pytestmark = pytest.mark.django_db

URL = "/api/v1/ledger/transfers"
CLIENT = {"type": "client"}


def _customer_party(customer: Customer) -> dict[str, Any]:
    return {"type": "customer", "customer_id": customer.pk}


def _body(source: dict[str, Any], to: dict[str, Any], amount: str = "1.5", **extra: Any) -> Any:
    return {
        "from": source,
        "to": to,
        "amount": {"amount": amount, "asset": "TRX"},
        "reference": "order-1",
        **extra,
    }


def _available(owner: LedgerOwner, asset: Asset = Asset.TRX) -> int:
    return next((b.available for b in owner_balances(owner=owner) if b.asset == asset), 0)


def _funded_customer(tenant: Client, sun: int = 2_000_000, ref: str = "c1") -> Customer:
    customer = Customer.objects.create(client=tenant, external_ref=ref)
    ledger_credit(
        owner=LedgerOwner.customer(customer.pk, client_id=tenant.pk),
        asset=Asset.TRX,
        amount=sun,
        reference=f"funding:{customer.pk}",
    )
    return customer


def _post(api: APIClient, body: Any, key: str = "k-1") -> Any:
    return api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_customer_pays_the_client_once_with_its_event_and_audit_row(wallets_api) -> None:
    tenant, api = wallets_api
    customer = _funded_customer(tenant)
    customer_owner = LedgerOwner.customer(customer.pk, client_id=tenant.pk)

    response = _post(api, _body(_customer_party(customer), CLIENT, description="plan"))

    assert response.status_code == 201, response.content
    transfer = response.json()
    assert transfer["id"].startswith("ltr_") and len(transfer["id"]) == 26
    assert transfer["from"] == {"type": "customer", "customer_id": customer.pk}
    assert transfer["to"] == {"type": "client", "customer_id": None}
    assert transfer["amount"] == {"amount": "1.5", "asset": "TRX"}
    assert (_available(customer_owner), _available(LedgerOwner.client(tenant.pk))) == (
        500_000,
        1_500_000,
    )
    event = Event.objects.get(type="ledger_transfer.created")
    assert (event.client_id, event.object_id, event.data) == (tenant.pk, transfer["id"], transfer)
    assert AuditEvent.objects.filter(action="ledger_transfer.created").count() == 1
    assert api.get(f"{URL}/{transfer['id']}").json() == transfer
    assert_ledger_consistent()


def test_the_client_credits_a_customer(wallets_api) -> None:
    tenant, api = wallets_api
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.USDT, amount=7_000_000, reference="c"
    )
    customer = Customer.objects.create(client=tenant, external_ref="c1")
    body = _body(CLIENT, _customer_party(customer))
    body["amount"] = {"amount": "2.25", "asset": "USDT"}

    response = _post(api, body)

    assert response.status_code == 201, response.content
    owner = LedgerOwner.customer(customer.pk, client_id=tenant.pk)
    assert _available(owner, Asset.USDT) == 2_250_000
    assert _available(LedgerOwner.client(tenant.pk), Asset.USDT) == 4_750_000


def test_the_same_reference_and_body_replays_and_another_body_is_a_409(wallets_api) -> None:
    tenant, api = wallets_api
    customer = _funded_customer(tenant)
    body = _body(_customer_party(customer), CLIENT)

    first = _post(api, body, key="a")
    again = _post(api, body, key="b")  # a new Idempotency-Key: the reference decides
    other = _post(api, _body(_customer_party(customer), CLIENT, amount="0.1"), key="c")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "ledger_transfer_reference_reused"
    assert LedgerTransfer.objects.count() == 1
    assert _available(LedgerOwner.customer(customer.pk, client_id=tenant.pk)) == 500_000
    assert Event.objects.filter(type="ledger_transfer.created").count() == 1


def test_insufficient_funds_is_a_422_that_changes_nothing(wallets_api) -> None:
    tenant, api = wallets_api
    customer = _funded_customer(tenant, sun=1_000_000)
    entries = JournalEntry.objects.count()

    response = _post(api, _body(_customer_party(customer), CLIENT, amount="1.000001"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert JournalEntry.objects.count() == entries
    assert not LedgerTransfer.objects.exists()
    assert not Event.objects.filter(type="ledger_transfer.created").exists()
    assert _available(LedgerOwner.customer(customer.pk, client_id=tenant.pk)) == 1_000_000


@pytest.mark.parametrize(
    ("source", "to", "field"),
    [
        (CLIENT, CLIENT, None),
        ({"type": "customer"}, CLIENT, "from"),
        ({"type": "client", "customer_id": 1}, CLIENT, "from"),
        ({"type": "platform"}, CLIENT, "from"),
    ],
)
def test_parties_other_than_the_client_and_one_customer_are_refused(
    wallets_api, source: dict[str, Any], to: dict[str, Any], field: str | None
) -> None:
    _, api = wallets_api
    response = _post(api, _body(source, to))
    assert response.status_code == 400, response.content
    if field is not None:
        assert any(name.split(".")[0] == field for name in response.json()["error"]["fields"])
    assert not LedgerTransfer.objects.exists()


def test_two_customers_of_the_client_cannot_transfer_between_themselves(wallets_api) -> None:
    tenant, api = wallets_api
    payer = _funded_customer(tenant)
    payee = Customer.objects.create(client=tenant, external_ref="c2")
    response = _post(api, _body(_customer_party(payer), _customer_party(payee)))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_transfer_parties"


def test_a_blocked_customer_cannot_pay(wallets_api) -> None:
    tenant, api = wallets_api
    customer = _funded_customer(tenant)
    Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.BLOCKED)
    response = _post(api, _body(_customer_party(customer), CLIENT))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "customer_blocked"


def _other_tenant_api() -> tuple[Client, APIClient]:
    tenant = client_create(name="someone-else")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=[Scope.WALLETS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return tenant, api


def test_another_tenants_customers_and_transfers_are_404(wallets_api) -> None:
    tenant, api = wallets_api
    customer = _funded_customer(tenant)
    made = _post(api, _body(_customer_party(customer), CLIENT)).json()
    _, other = _other_tenant_api()

    debit = _post(other, _body(_customer_party(customer), CLIENT))
    credit = _post(other, _body(CLIENT, _customer_party(customer)), key="k-2")

    assert (debit.status_code, credit.status_code) == (404, 404)
    assert debit.json()["error"]["code"] == "customer_not_found"
    assert other.get(f"{URL}/{made['id']}").status_code == 404
    assert other.get(URL).json()["transfers"] == []
    assert other.get(URL, {"customer_id": customer.pk}).status_code == 404
    assert LedgerTransfer.objects.count() == 1
    assert _available(LedgerOwner.customer(customer.pk, client_id=tenant.pk)) == 500_000


def test_the_list_pages_newest_first_and_filters(wallets_api) -> None:
    tenant, api = wallets_api
    first = _funded_customer(tenant, ref="c1")
    second = _funded_customer(tenant, ref="c2")
    made = [
        _post(api, _body(_customer_party(c), CLIENT, reference=f"r{i}", amount="0.1"), key=f"{i}")
        for i, c in enumerate([first, second, first])
    ]
    ids = [r.json()["id"] for r in made]

    page = api.get(URL, {"limit": 2}).json()
    rest = api.get(URL, {"limit": 2, "starting_after": page["next_starting_after"]}).json()

    assert [t["id"] for t in page["transfers"]] == [ids[2], ids[1]] and page["has_more"]
    assert [t["id"] for t in rest["transfers"]] == [ids[0]] and not rest["has_more"]
    assert rest["next_starting_after"] is None
    by_customer = api.get(URL, {"customer_id": first.pk}).json()["transfers"]
    assert [t["id"] for t in by_customer] == [ids[2], ids[0]]
    assert [t["id"] for t in api.get(URL, {"reference": "r1"}).json()["transfers"]] == [ids[1]]
    assert api.get(URL, {"asset": "USDT"}).json()["transfers"] == []
    bad_cursor = api.get(URL, {"starting_after": "ltr_nope"})
    assert bad_cursor.status_code == 400
    assert "starting_after" in bad_cursor.json()["error"]["fields"]


def test_the_idempotency_key_is_required(wallets_api) -> None:
    tenant, api = wallets_api
    customer = _funded_customer(tenant)
    response = api.post(URL, _body(_customer_party(customer), CLIENT), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_the_endpoints_are_in_the_wallet_manager_document() -> None:
    urlconf = importlib.import_module("lucid_payments.settings.wallet_manager").ROOT_URLCONF
    document = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    create = document["paths"][URL]["post"]
    assert set(create["responses"]) >= {"200", "201", "400", "404", "409", "422"}
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    schemas = document["components"]["schemas"]
    assert next(iter(schemas["LedgerTransferInputRequest"]["properties"])) == "from"
    assert "from" in schemas["LedgerTransferOutput"]["required"]
    assert "/api/v1/ledger/transfers/{transfer_id}" in document["paths"]
