"""GET /api/v1/events and /api/v1/events/{id} on payment-gateway: newest first, a cursor that
never skips or repeats, filters, strict parameters, and nothing of another client's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lucid_payments.accounts.scopes import Scope
from lucid_payments.events.models import Event
from lucid_payments.events.services import event_publish
from tests.events.conftest import keyed_client

pytestmark = pytest.mark.django_db


def _publish(client_id: int, type_: str, object_id: str) -> Event:
    with transaction.atomic():
        return event_publish(type=type_, client_id=client_id, object_id=object_id, data={})


@pytest.fixture
def history(gateway_api: tuple[Any, Any]) -> list[Event]:
    tenant, _ = gateway_api
    kinds = ["deposit.seen", "deposit.credited", "kyc.approved", "wallet_transfer.confirmed"]
    return [_publish(tenant.pk, kinds[i % 4], f"obj-{i % 3}") for i in range(11)]


def _ids(body: dict[str, Any]) -> list[str]:
    return [event["id"] for event in body["events"]]


def test_pages_walk_every_event_newest_first_exactly_once(
    gateway_api: tuple[Any, Any], history: list[Event]
) -> None:
    _, api = gateway_api
    walked: list[str] = []
    cursor: str | None = None
    while True:
        query = {"limit": 4} | ({"starting_after": cursor} if cursor else {})
        response = api.get("/api/v1/events", query)
        assert response.status_code == 200, response.content
        body = response.json()
        walked += _ids(body)
        if not body["has_more"]:
            assert body["next_starting_after"] is None
            break
        cursor = body["next_starting_after"]
        assert cursor == walked[-1]

    assert walked == [event.public_id for event in reversed(history)]


def test_an_event_is_shown_as_documented(gateway_api: tuple[Any, Any]) -> None:
    tenant, api = gateway_api
    with transaction.atomic():
        event = event_publish(
            type="kyc.rejected", client_id=tenant.pk, object_id="7", data={"id": 7}
        )

    body = api.get(f"/api/v1/events/{event.public_id}").json()

    assert body == {
        "id": event.public_id,
        "type": "kyc.rejected",
        "object_id": "7",
        "created_at": body["created_at"],
        "data": {"id": 7},
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "deposit.seen"}, lambda e: e.type == "deposit.seen"),
        ({"type": "deposit.*"}, lambda e: e.type.startswith("deposit.")),
        ({"type": "*"}, lambda e: True),
        ({"object_id": "obj-1"}, lambda e: e.object_id == "obj-1"),
        ({"type": "kyc.*", "object_id": "obj-0"}, lambda e: e.type == "kyc.approved"),
    ],
)
def test_filters(
    gateway_api: tuple[Any, Any], history: list[Event], query: dict[str, str], expected: Any
) -> None:
    _, api = gateway_api
    body = api.get("/api/v1/events", query | {"limit": 100}).json()
    wanted = [e.public_id for e in reversed(history) if expected(e) and _matches(e, query)]
    assert _ids(body) == wanted and wanted


def _matches(event: Event, query: dict[str, str]) -> bool:
    return "object_id" not in query or event.object_id == query["object_id"]


def test_created_range(gateway_api: tuple[Any, Any], history: list[Event]) -> None:
    _, api = gateway_api
    middle = history[5].created_at
    before = api.get("/api/v1/events", {"created_lt": middle.isoformat(), "limit": 100})
    since = api.get("/api/v1/events", {"created_gte": middle.isoformat(), "limit": 100})
    future = api.get("/api/v1/events", {"created_gte": (timezone.now() + timedelta(hours=1))})

    assert _ids(before.json()) == [e.public_id for e in reversed(history) if e.created_at < middle]
    assert _ids(since.json()) == [e.public_id for e in reversed(history) if e.created_at >= middle]
    assert len(_ids(before.json())) + len(_ids(since.json())) == len(history)
    assert future.json()["events"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"type": "deposit.lost"},
        {"type": "nothing.*"},
        {"type": ""},
        {"object_id": ""},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"created_gte": "yesterday"},
        {"starting_after": "evt_doesnotexist0000000000"},
    ],
)
def test_bad_parameters_are_a_400_in_our_error_shape(
    gateway_api: tuple[Any, Any], query: dict[str, str]
) -> None:
    _, api = gateway_api
    response = api.get("/api/v1/events", query)
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert list(response.json()["error"]["fields"]) == list(query)


def test_another_clients_events_are_invisible(
    gateway_api: tuple[Any, Any], history: list[Event]
) -> None:
    _, other = keyed_client(Scope.GATEWAY)
    target = history[0].public_id

    assert other.get(f"/api/v1/events/{target}").status_code == 404
    assert other.get("/api/v1/events/evt_0000000000000000000000").status_code == 404
    assert other.get("/api/v1/events").json()["events"] == []
    cursor = other.get("/api/v1/events", {"starting_after": target})
    assert cursor.status_code == 400  # the same answer as for an id that does not exist


def test_the_events_api_needs_the_gateway_scope(history: list[Event]) -> None:
    _, wallets_only = keyed_client(Scope.WALLETS)
    assert wallets_only.get("/api/v1/events").status_code == 403
    assert wallets_only.get(f"/api/v1/events/{history[0].public_id}").status_code == 403
