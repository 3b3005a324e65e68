"""The wallet-manager API answers as its OpenAPI document says. Each test pins one mismatch
the schemathesis run (tests/fuzz/test_api_fuzz.py) found, with the request that showed it."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.accounts.services import client_create
from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit

pytestmark = pytest.mark.django_db

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    urlconf = importlib.import_module("lucid_payments.settings.wallet_manager").ROOT_URLCONF
    schema: dict[str, Any] = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return schema


def _responses(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    responses: dict[str, Any] = document["paths"][path][method.lower()]["responses"]
    return responses


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    component: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return component


def _own_customer_with_an_entry(tenant: Client) -> Customer:
    customer = Customer.objects.create(client=tenant, external_ref="c1")
    ledger_credit(
        owner=LedgerOwner.customer(customer.pk, client_id=tenant.pk),
        asset=Asset.TRX,
        amount=1_000_000,
        reference="dep:1",
    )
    return customer


# 1. GET /api/v1/ledger/entries answered {count, next, previous, results}; documented an array.


def test_the_ledger_entry_list_is_documented_as_the_page_it_answers(
    wallets_api: tuple[Client, APIClient], document: dict[str, Any]
) -> None:
    tenant, api = wallets_api
    _own_customer_with_an_entry(tenant)

    body = api.get("/api/v1/ledger/entries?limit=1&offset=0").json()

    ok = _responses(document, "GET", "/api/v1/ledger/entries")["200"]
    page = _component(document, ok["content"]["application/json"]["schema"]["$ref"])
    assert page["type"] == "object"
    assert set(body) == set(page["properties"]) == {"count", "next", "previous", "results"}
    assert set(page["required"]) <= set(body)
    entry = _component(document, page["properties"]["results"]["items"]["$ref"])
    assert set(body["results"][0]) == set(entry["properties"])


def test_limit_and_offset_are_documented_with_their_bounds(document: dict[str, Any]) -> None:
    parameters = {
        p["name"]: p["schema"]
        for p in document["paths"]["/api/v1/ledger/entries"]["get"]["parameters"]
    }
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["offset"]["minimum"] == 0


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=abc", "limit=-1", "offset=-1"])
def test_a_limit_or_offset_out_of_its_documented_bounds_is_refused(
    wallets_api: tuple[Client, APIClient], query: str
) -> None:
    _, api = wallets_api
    name = query.split("=")[0]
    response = api.get(f"/api/v1/ledger/entries?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [name]


def test_the_largest_documented_limit_is_accepted(wallets_api: tuple[Client, APIClient]) -> None:
    _, api = wallets_api
    response = api.get("/api/v1/ledger/entries?limit=500")
    assert response.status_code == 200, response.content


# 2. GET /api/v1/ledger/entries?customer=<unknown id> answered an undocumented 404.


@pytest.mark.parametrize("path", ["/api/v1/ledger/entries", "/api/v1/balances"])
def test_a_customer_not_of_the_caller_is_one_documented_404_whether_or_not_it_exists(
    wallets_api: tuple[Client, APIClient], document: dict[str, Any], path: str
) -> None:
    _, api = wallets_api
    someone_elses = _own_customer_with_an_entry(client_create(name="someone else"))
    missing_id = someone_elses.pk + 1_000_000

    theirs = api.get(f"{path}?customer={someone_elses.pk}")
    missing = api.get(f"{path}?customer={missing_id}")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert theirs.json()["error"]["code"] == "customer_not_found"
    assert "404" in _responses(document, "GET", path)


def test_the_customer_filter_shows_that_customers_entries(
    wallets_api: tuple[Client, APIClient],
) -> None:
    tenant, api = wallets_api
    customer = _own_customer_with_an_entry(tenant)
    ledger_credit(owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=5, reference="x")

    body = api.get(f"/api/v1/ledger/entries?customer={customer.pk}").json()

    assert [entry["reference"] for entry in body["results"]] == ["dep:1"]


# 3. GET /api/v1/ledger/entries?asset= (empty) was read as "no filter"; documented minLength 1.


@pytest.mark.parametrize(
    "name", ["asset", "kind", "customer", "created_after", "created_before", "limit", "offset"]
)
def test_an_empty_ledger_filter_is_refused_not_read_as_no_filter(
    wallets_api: tuple[Client, APIClient], name: str
) -> None:
    tenant, api = wallets_api
    _own_customer_with_an_entry(tenant)
    response = api.get(f"/api/v1/ledger/entries?{name}=")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [name]


def test_an_empty_customer_for_balances_is_refused(wallets_api: tuple[Client, APIClient]) -> None:
    _, api = wallets_api
    response = api.get("/api/v1/balances?customer=")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["customer"]


def test_a_non_ascii_digit_is_not_a_customer_id(wallets_api: tuple[Client, APIClient]) -> None:
    _, api = wallets_api
    # "²".isdigit() is true but int("²") fails: the hand-made check let it through to a 500.
    response = api.get("/api/v1/balances", {"customer": "²"})
    assert response.status_code == 400, response.content


# 4. POST /api/v1/wallets {"kind": "deposit", "address": ""} as a form was read as no address
# (a form part with an empty value can be dropped by the multipart parser before any view).


def test_an_empty_address_is_refused_not_read_as_absent(
    wallets_api: tuple[Client, APIClient],
) -> None:
    _, api = wallets_api
    response = api.post("/api/v1/wallets", {"kind": "deposit", "address": ""}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["address"]
    assert api.get("/api/v1/wallets").json() == []


def test_an_empty_label_is_an_empty_label(wallets_api: tuple[Client, APIClient]) -> None:
    _, api = wallets_api
    response = api.post("/api/v1/wallets", {"kind": "hot", "label": ""}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["label"] == ""


def test_wallet_bodies_are_json_only_as_documented(
    wallets_api: tuple[Client, APIClient], document: dict[str, Any]
) -> None:
    _, api = wallets_api
    response = api.post("/api/v1/wallets", {"kind": "deposit", "address": ""}, format="multipart")
    assert response.status_code == 415, response.content
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert api.get("/api/v1/wallets").json() == []
    bodies = {
        f"{method.upper()} {path}": list(operation["requestBody"]["content"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert bodies == {
        "POST /api/v1/wallets": ["application/json"],
        "POST /api/v1/wallets/{wallet_id}/addresses": ["application/json"],
        "POST /api/v1/wallets/{wallet_id}/transfers": ["application/json"],
        "POST /api/v1/ledger/transfers": ["application/json"],
    }


@pytest.mark.parametrize("body", [{"kind": "cold", "address": 12345}, {"kind": "hot", "label": 7}])
def test_a_number_is_not_a_wallet_string(
    wallets_api: tuple[Client, APIClient], body: dict[str, Any]
) -> None:
    _, api = wallets_api
    response = api.post("/api/v1/wallets", body, format="json")
    assert response.status_code == 400, response.content
    field = next(name for name in body if name != "kind")
    assert response.json()["error"]["fields"] == {field: ["Must be a string."]}


def test_a_number_is_not_an_address_label(wallets_api: tuple[Client, APIClient]) -> None:
    _, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "deposit"}, format="json").json()
    response = api.post(f"/api/v1/wallets/{wallet['id']}/addresses", {"label": 1}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"label": ["Must be a string."]}


def test_a_number_is_not_a_transfer_recipient(wallets_api: tuple[Client, APIClient]) -> None:
    _, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    response = api.post(
        f"/api/v1/wallets/{wallet['id']}/transfers",
        {"to": 41, "amount": {"amount": "1", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="numeric-recipient-1",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"to": ["Must be a string."]}


# 5. POST /api/v1/wallets/{id}/addresses could answer 429 (every API key is rate limited)
# without documenting it.


def test_every_wallets_operation_documents_429(document: dict[str, Any]) -> None:
    undocumented = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
        if "429" not in operation["responses"]
    ]
    assert undocumented == []
