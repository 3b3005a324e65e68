"""The webhooks admin (secrets never shown; enable/disable audited; deliveries filtered by
status and type, with their attempts; the redeliver action) and
``manage.py redeliver_webhooks``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as WebClient
from django.utils import timezone

from gateway.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from lucid_payments.core.models import AuditEvent
from tests.gateway.conftest import endpoint_for, publish
from tests.gateway.receiver import Receiver
from tests.tron.api.conftest import TenantApiClient

pytestmark = pytest.mark.django_db

Committed = Callable[..., object]
ENDPOINTS = "/admin/gateway/webhookendpoint/"
DELIVERIES = "/admin/gateway/webhookdelivery/"


@pytest.fixture
def admin_web() -> WebClient:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    return web


def test_endpoint_pages_never_show_the_secret_and_changes_are_audited(
    admin_web: WebClient, gateway_api: TenantApiClient, receiver: Receiver
) -> None:
    made = endpoint_for(gateway_api.tenant, receiver.url)
    endpoint = made.endpoint
    assert admin_web.get(ENDPOINTS).status_code == 200
    page = admin_web.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert endpoint.public_id in page and made.secret[6:] not in page
    assert admin_web.get(f"{ENDPOINTS}add/").status_code == 403

    response = admin_web.post(
        f"{ENDPOINTS}{endpoint.pk}/change/",
        {
            "description": "paused by ops",
            "secrets-TOTAL_FORMS": "1",
            "secrets-INITIAL_FORMS": "1",
            "secrets-MIN_NUM_FORMS": "0",
            "secrets-MAX_NUM_FORMS": "1000",
            "secrets-0-id": str(endpoint.secrets.get().pk),
            "secrets-0-endpoint": str(endpoint.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == "operator"
    assert endpoint.description == "paused by ops"
    audit = AuditEvent.objects.get(action="webhook_endpoint.updated")
    assert audit.actor_type == "operator" and audit.data["enabled"] is False


def test_deliveries_filter_show_attempts_and_redeliver(
    admin_web: WebClient,
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    endpoint_for(gateway_api.tenant, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        publish(gateway_api.tenant)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.update(status=DeliveryStatus.FAILED)  # as after the schedule
    listing = admin_web.get(f"{DELIVERIES}?status=failed&event_type=deposit.seen")
    assert listing.status_code == 200 and delivery.public_id in listing.content.decode()
    assert delivery.public_id not in admin_web.get(f"{DELIVERIES}?status=pending").content.decode()
    detail = admin_web.get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()
    assert "200" in detail and "ok" in detail  # the attempt: status and excerpt

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        response = admin_web.post(
            DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk]}
        )
    assert response.status_code == 302
    assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    audit = AuditEvent.objects.get(action="webhook_delivery.redelivered")
    assert audit.actor_type == "operator"


def test_redeliver_command_chooses_by_time_and_status(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    made = endpoint_for(gateway_api.tenant, receiver.url)
    for n in range(3):
        publish(gateway_api.tenant, n=n)
    old, failed, recent = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10), status=DeliveryStatus.FAILED
    )
    WebhookDelivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED)
    WebhookDelivery.objects.filter(pk=recent.pk).update(status=DeliveryStatus.DELIVERED)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        call_command(
            "redeliver_webhooks",
            "--endpoint",
            made.endpoint.public_id,
            "--since",
            since,
            "--failed-only",
            stdout=out,
        )
    assert "Queued 1 deliveries" in out.getvalue()
    assert [r.headers["webhook-id"] for r in receiver.received] == [failed.event.public_id]
    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert statuses[old.pk] == DeliveryStatus.FAILED
    assert statuses[failed.pk] == DeliveryStatus.DELIVERED
    assert AuditEvent.objects.filter(action="webhook_delivery.redelivered").count() == 1


def test_redeliver_command_refuses_unknown_input(gateway_api: TenantApiClient) -> None:
    with pytest.raises(CommandError, match="No webhook endpoint"):
        call_command("redeliver_webhooks", "--endpoint", "we_nope", stdout=StringIO())
    made = endpoint_for(gateway_api.tenant, "http://127.0.0.1:9/")
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command(
            "redeliver_webhooks",
            "--endpoint",
            made.endpoint.public_id,
            "--since",
            "2026-13-01",
            stdout=StringIO(),
        )
    assert WebhookEndpoint.objects.count() == 1
