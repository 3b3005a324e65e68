"""Deliveries to a real receiver on 127.0.0.1, verified with standardwebhooks: signed, the
same webhook-id on every retry, the retry schedule, failure, 410, rotation, the outbox."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from gateway.webhooks.claims import delivery_claim
from gateway.webhooks.delivery import FAILING_LIMIT, delivery_attempt
from gateway.webhooks.metrics import WEBHOOK_DELIVERIES_FAILED
from gateway.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookDelivery,
    WebhookEndpoint,
)
from gateway.webhooks.retry_schedule import MAX_ATTEMPTS, RETRY_DELAYS
from gateway.webhooks.services import endpoint_rotate_secret
from gateway.webhooks.sweep import deliveries_due
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.events.services import event_publish
from tests.gateway.conftest import endpoint_for, publish
from tests.gateway.receiver import Receiver, running_receiver
from tests.tron.api.conftest import TenantApiClient

pytestmark = pytest.mark.django_db

Committed = Callable[..., object]


def _attempt_at(delivery: WebhookDelivery, offset: timedelta) -> str | None:
    result = delivery_attempt(
        endpoint_id=delivery.endpoint_id,
        delivery_id=delivery.pk,
        now=timezone.now() + offset,
        rand=random.Random(7),
    )
    return None if result is None else result.outcome


def test_an_event_is_delivered_signed_and_verifiable(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    made = endpoint_for(gateway_api.tenant, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        event = publish(gateway_api.tenant)

    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.verifies_with(made.secret)
    assert got.headers["webhook-id"] == event.public_id
    assert got.headers["webhook-signature"].startswith("v1,")
    assert json.loads(got.body) == {
        "type": "deposit.seen",
        "timestamp": event.created_at.isoformat(),
        "data": event.data,
    }
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts.get().status_code == 200
    assert delivery.claimed_until is None


def test_500_500_200_is_delivered_on_the_third_attempt_once(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    with running_receiver(answers=[500, 500]) as receiver:
        made = endpoint_for(gateway_api.tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            publish(gateway_api.tenant)
        delivery = WebhookDelivery.objects.get()
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.round_attempts == 1

        assert _attempt_at(delivery, timedelta(seconds=1)) is None  # 5 s ± 10 % not yet due
        assert _attempt_at(delivery, timedelta(seconds=6)) == "retry"
        assert _attempt_at(delivery, timedelta(minutes=6)) == "delivered"
        assert _attempt_at(delivery, timedelta(hours=1)) is None  # nothing more to do

        assert len(receiver.received) == 3
        assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.event.public_id}
        assert all(r.verifies_with(made.secret) for r in receiver.received)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [a.status_code for a in delivery.attempts.all()] == [500, 500, 200]
    assert [a.succeeded for a in delivery.attempts.all()] == [False, False, True]


def test_the_retry_schedule_ends_in_failure_after_three_days(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    failed_before = WEBHOOK_DELIVERIES_FAILED._value.get()
    with running_receiver(default=500) as receiver:
        endpoint_for(gateway_api.tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            publish(gateway_api.tenant)
        delivery = WebhookDelivery.objects.get()
        elapsed = timedelta(0)
        outcomes = []
        for delay in RETRY_DELAYS[1:]:
            elapsed += delay * 1.2  # past the jitter
            outcomes.append(_attempt_at(delivery, elapsed))
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 2) + ["failed"]
    assert timedelta(days=3) < elapsed < FAILING_LIMIT
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts.count() == MAX_ATTEMPTS == len(receiver.received)
    assert WEBHOOK_DELIVERIES_FAILED._value.get() == failed_before + 1
    assert WebhookEndpoint.objects.get().enabled  # 3 days of failure is not 5


def test_an_endpoint_failing_for_five_days_is_disabled_with_an_audit_entry(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    with running_receiver(default=503) as receiver:
        endpoint_for(gateway_api.tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            publish(gateway_api.tenant)
        WebhookEndpoint.objects.update(failing_since=timezone.now() - FAILING_LIMIT)
        delivery = WebhookDelivery.objects.get()
        assert _attempt_at(delivery, timedelta(seconds=6)) == "retry"
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.enabled and endpoint.disabled_reason == DisabledReason.FAILING
    audit = AuditEvent.objects.get(action="webhook_endpoint.disabled")
    assert audit.data["reason"] == "failing"
    # A disabled endpoint's deliveries wait: nothing is claimed or swept.
    assert _attempt_at(delivery, timedelta(hours=1)) is None
    assert deliveries_due(now=timezone.now() + timedelta(hours=1)) == 0


def test_410_gone_disables_the_endpoint(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    with running_receiver(default=410) as receiver:
        endpoint_for(gateway_api.tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            publish(gateway_api.tenant)
        assert len(receiver.received) == 1
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.enabled and endpoint.disabled_reason == DisabledReason.GONE
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED
    assert AuditEvent.objects.filter(action="webhook_endpoint.disabled").count() == 1
    # Later events are not even queued for it.
    publish(gateway_api.tenant, n=2)
    assert WebhookDelivery.objects.count() == 1


def test_a_redirect_is_not_followed(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    with running_receiver(
        default=302, extra_headers={"Location": "http://10.0.0.1/internal"}
    ) as receiver:
        endpoint_for(gateway_api.tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            publish(gateway_api.tenant)
        assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING  # a 3xx is a failed attempt
    assert delivery.attempts.get().status_code == 302


def test_an_event_of_a_rolled_back_change_is_never_sent(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    endpoint_for(gateway_api.tenant, receiver.url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError), transaction.atomic():
            event_publish(
                type="deposit.seen", client_id=gateway_api.tenant.pk, object_id="x", data={}
            )
            raise RuntimeError("the change fails after its event was written")
    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    assert deliveries_due(now=timezone.now() + timedelta(days=1)) == 0
    assert receiver.received == []


def test_only_matching_endpoints_get_a_delivery(
    gateway_api: TenantApiClient, receiver: Receiver
) -> None:
    endpoint_for(gateway_api.tenant, receiver.url, events=["kyc.*"])
    deposits = endpoint_for(gateway_api.tenant, receiver.url, events=["deposit.credited"])
    publish(gateway_api.tenant, type="deposit.credited")
    publish(gateway_api.tenant, type="deposit.seen", n=1)
    assert list(WebhookDelivery.objects.values_list("endpoint_id", "event_type")) == [
        (deposits.endpoint.pk, "deposit.credited")
    ]


def test_a_lost_enqueue_is_picked_up_by_the_sweep(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    made = endpoint_for(gateway_api.tenant, receiver.url)
    publish(gateway_api.tenant)  # its on_commit enqueue never runs (the test's transaction)
    assert receiver.received == []
    assert deliveries_due() == 0  # just enqueued: within the grace period
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        assert deliveries_due(now=timezone.now() + timedelta(minutes=2)) == 1
    assert len(receiver.received) == 1 and receiver.received[0].verifies_with(made.secret)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_at_most_max_in_flight_deliveries_per_endpoint(
    gateway_api: TenantApiClient, receiver: Receiver, settings: pytest.FixtureRequest
) -> None:
    settings.WEBHOOK_MAX_IN_FLIGHT = 2  # type: ignore[attr-defined]
    made = endpoint_for(gateway_api.tenant, receiver.url)
    for n in range(3):
        publish(gateway_api.tenant, n=n)
    now = timezone.now()
    first = delivery_claim(endpoint_id=made.endpoint.pk, now=now)
    second = delivery_claim(endpoint_id=made.endpoint.pk, now=now)
    assert first and second and first[0] != second[0]
    assert delivery_claim(endpoint_id=made.endpoint.pk, now=now) is None
    # A claim whose lease ran out (its worker died) no longer counts.
    later = now + timedelta(minutes=5)
    assert delivery_claim(endpoint_id=made.endpoint.pk, now=later) is not None


def test_during_a_rotation_both_secrets_verify_then_only_the_new_one(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    made = endpoint_for(gateway_api.tenant, receiver.url)
    rotated = endpoint_rotate_secret(endpoint=made.endpoint, actor=AuditActor.system("test"))
    assert rotated.secret != made.secret
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        publish(gateway_api.tenant)
    during = receiver.received[0]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verifies_with(made.secret) and during.verifies_with(rotated.secret)

    publish(gateway_api.tenant, n=1)
    delivery = WebhookDelivery.objects.get(status=DeliveryStatus.PENDING)
    assert _attempt_at(delivery, timedelta(hours=24, minutes=1)) == "delivered"
    after = receiver.received[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verifies_with(rotated.secret)
    assert not after.verifies_with(made.secret)


def test_the_url_is_checked_again_at_every_delivery(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    settings: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    endpoint_for(gateway_api.tenant, receiver.url)  # allowed when registered
    settings.WEBHOOK_ALLOWED_CIDRS = []  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        publish(gateway_api.tenant)
    assert receiver.received == []
    attempt = WebhookDelivery.objects.get().attempts.get()
    assert attempt.status_code is None and "SSRF" in attempt.error


def test_only_the_first_kilobyte_of_the_answer_is_kept_and_nul_is_storable(
    gateway_api: TenantApiClient, django_capture_on_commit_callbacks: Committed
) -> None:
    with running_receiver(default=500, body=b"bad\x00news" + b"x" * 5000) as receiver:
        endpoint_for(gateway_api.tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            publish(gateway_api.tenant)
    attempt = WebhookDelivery.objects.get().attempts.get()
    assert attempt.status_code == 500
    assert attempt.response_excerpt.startswith("bad\ufffdnews")
    assert len(attempt.response_excerpt) == 1024


def test_a_secret_that_cannot_be_unsealed_is_a_failed_attempt_not_a_silent_loop(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    settings: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Committed,
) -> None:
    endpoint_for(gateway_api.tenant, receiver.url)
    # Another master key, as after a botched rotation: the endpoint's secret will not open.
    settings.LUCID_MASTER_KEY = base64.b64encode(b"k" * 32).decode()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        publish(gateway_api.tenant)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.round_attempts == 1
    assert delivery.attempts.get().error.startswith("internal error")
    assert delivery.claimed_until is None
