"""The once-a-minute sweep is registered after migrate and rounds every few seconds for
its minute, enqueueing deliveries as they come due."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django_q.models import Schedule

from gateway.webhooks.models import DeliveryStatus, WebhookDelivery
from gateway.webhooks.schedules import SWEEP_FUNC
from gateway.webhooks.tasks import SWEEP_BUDGET_S, SWEEP_PAUSE_S, webhook_sweep_task
from tests.gateway.conftest import endpoint_for, publish
from tests.gateway.receiver import Receiver
from tests.tron.api.conftest import TenantApiClient

pytestmark = pytest.mark.django_db


def test_the_sweep_is_scheduled_every_minute() -> None:
    schedule = Schedule.objects.get(func=SWEEP_FUNC)
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)


def test_the_sweep_rounds_for_its_minute_and_sends_what_is_due(
    gateway_api: TenantApiClient,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    endpoint_for(gateway_api.tenant, receiver.url)
    publish(gateway_api.tenant)  # its enqueue is lost (never committed in this test)
    WebhookDelivery.objects.update(enqueued_at=None)  # ... and the grace has passed
    clock = itertools.count(0.0, SWEEP_PAUSE_S)
    pauses: list[float] = []
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        enqueued = webhook_sweep_task(monotonic=lambda: next(clock), sleep=pauses.append)
    assert enqueued == 1
    assert set(pauses) == {SWEEP_PAUSE_S}  # rounds every pause, within its budget
    assert 10 < len(pauses) < SWEEP_BUDGET_S / SWEEP_PAUSE_S
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 1
