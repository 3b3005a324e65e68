"""The webhook endpoints API: register (secret shown once, sealed, never stored in clear),
list, read, change, delete, rotate, the delivery log and redelivery; another client's key
gets 404 on every endpoint, delivery and event id."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.db import connection

from gateway.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from lucid_payments.core.models import AuditEvent, IdempotencyRecord
from tests.gateway.conftest import publish
from tests.gateway.receiver import Receiver, running_receiver
from tests.tron.api.conftest import TenantApiClient

pytestmark = pytest.mark.django_db

Committed = Callable[..., object]
BASE = "/api/v1/webhook-endpoints"


def _create(api: TenantApiClient, url: str, **extra: object) -> dict[str, object]:
    body = {"url": url, "events": ["deposit.*", "kyc.approved"], "description": "ops", **extra}
    response = api.post(BASE, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def _database_holds(text: str) -> bool:
    """Whether any text or bytes column of our tables holds ``text`` (or its bytes)."""
    needle = text.encode()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', "
            "'bytea', 'jsonb')"
        )
        columns = cursor.fetchall()
        for table, column, kind in columns:
            if kind == "bytea":
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE position(%s::bytea in "{column}") > 0',
                    [needle],
                )
            else:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s', [f"%{text}%"]
                )
            if cursor.fetchone():
                return True
    return False


def test_register_shows_the_secret_once_and_stores_it_sealed(
    gateway_api: TenantApiClient, receiver: Receiver
) -> None:
    created = gateway_api.post(
        BASE,
        {"url": receiver.url, "events": ["deposit.*"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="register-1",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert body["id"].startswith("we_") and body["enabled"] is True
    assert body["disabled_reason"] is None and body["description"] == ""

    # Not in clear anywhere: the endpoint, the idempotency record, the audit log.
    raw = secret[len("whsec_") :]
    assert _database_holds(body["id"])  # the probe finds what is there
    assert not _database_holds(raw)
    assert IdempotencyRecord.objects.count() == 1
    # A replay of the same key answers the endpoint, without the secret.
    replay = gateway_api.post(
        BASE,
        {"url": receiver.url, "events": ["deposit.*"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="register-1",
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == body["id"] and replay.json()["secret"] is None
    assert WebhookEndpoint.objects.count() == 1

    listed = gateway_api.get(BASE).json()
    one = gateway_api.get(f"{BASE}/{body['id']}").json()
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0] and "secret" not in one
    assert AuditEvent.objects.filter(action="webhook_endpoint.created").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://127.0.0.1/", "events": []}, "events"),
        ({"url": "http://127.0.0.1/", "events": ["invoice.teleported"]}, "events"),
        ({"url": "http://127.0.0.1/", "events": ["*"], "description": 5}, "description"),
        ({"url": "not a url", "events": ["*"]}, "url"),
        ({"url": 12, "events": ["*"]}, "url"),
        ({"events": ["*"]}, "url"),
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(
    gateway_api: TenantApiClient, body: dict[str, object], field: str
) -> None:
    response = gateway_api.post(BASE, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_patch_changes_what_was_sent_and_delete_removes_it(
    gateway_api: TenantApiClient, receiver: Receiver
) -> None:
    made = _create(gateway_api, receiver.url)
    url = f"{BASE}/{made['id']}"
    response = gateway_api.patch(url, {"events": ["*"], "enabled": False}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["events"] == ["*"] and response.json()["enabled"] is False
    assert response.json()["disabled_reason"] == "client"
    assert response.json()["url"] == receiver.url
    assert gateway_api.patch(url, {"enabled": "yes"}, format="json").status_code == 400
    refused = gateway_api.patch(url, {"url": "http://10.0.0.1/"}, format="json")
    assert refused.json()["error"]["code"] == "webhook_url_not_allowed"
    assert gateway_api.patch(url, {"enabled": True}, format="json").json()["enabled"] is True

    assert gateway_api.delete(url).status_code == 204
    assert gateway_api.get(url).status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"webhook_endpoint.updated", "webhook_endpoint.deleted"} <= actions


def test_rotate_secret_answers_a_new_secret_once(
    gateway_api: TenantApiClient, receiver: Receiver
) -> None:
    made = _create(gateway_api, receiver.url)
    rotated = gateway_api.post(f"{BASE}/{made['id']}/rotate-secret")
    assert rotated.status_code == 200, rotated.content
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != made["secret"]
    assert not _database_holds(rotated.json()["secret"][6:])


def test_the_delivery_log_and_redelivery(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    with running_receiver(answers=[500]) as receiver:
        made = _create(gateway_api, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            event = publish(gateway_api.tenant)
        page = gateway_api.get(f"{BASE}/{made['id']}/deliveries").json()
        assert page["has_more"] is False and len(page["deliveries"]) == 1
        delivery = page["deliveries"][0]
        assert delivery["event_id"] == event.public_id and delivery["status"] == "pending"
        assert [a["status_code"] for a in delivery["attempts"]] == [500]
        assert delivery["attempts"][0]["response_excerpt"] == "ok"

        redeliver = f"{BASE}/{made['id']}/deliveries/{delivery['id']}/redeliver"
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            response = gateway_api.post(redeliver)
        assert response.status_code == 202, response.content
        assert len(receiver.received) == 2
        assert receiver.received[1].headers["webhook-id"] == event.public_id
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    filtered = gateway_api.get(f"{BASE}/{made['id']}/deliveries?status=failed").json()
    assert filtered["deliveries"] == []
    assert AuditEvent.objects.filter(action="webhook_delivery.redelivered").count() == 1


def test_another_clients_key_gets_404_on_every_id(
    gateway_api: TenantApiClient,
    other_gateway_api: TenantApiClient,
    receiver: Receiver,
) -> None:
    made = _create(gateway_api, receiver.url)
    event = publish(gateway_api.tenant)
    delivery = WebhookDelivery.objects.get()
    endpoint = f"{BASE}/{made['id']}"
    other = other_gateway_api
    requests = [
        other.get(endpoint),
        other.patch(endpoint, {"enabled": False}, format="json"),
        other.delete(endpoint),
        other.post(f"{endpoint}/rotate-secret"),
        other.get(f"{endpoint}/deliveries"),
        other.post(f"{endpoint}/deliveries/{delivery.public_id}/redeliver"),
        other.get(f"/api/v1/events/{event.public_id}"),
    ]
    assert [r.status_code for r in requests] == [404] * len(requests)
    assert other.get(BASE).json() == []
    assert other.get("/api/v1/events").json()["events"] == []
    # The owner's delivery id under the other tenant's own endpoint is 404 as well.
    theirs = _create(other, receiver.url)
    crossed = other.post(f"{BASE}/{theirs['id']}/deliveries/{delivery.public_id}/redeliver")
    assert crossed.status_code == 404
    endpoint_row = WebhookEndpoint.objects.get(public_id=made["id"])
    assert endpoint_row.enabled and endpoint_row.secrets.count() == 1
