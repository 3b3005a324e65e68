"""Webhook test fixtures: a tenant with a payment-gateway key, loopback allowed as a
webhook destination (the receivers run on 127.0.0.1), and a fixed master key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from gateway.webhooks.services import EndpointWithSecret, endpoint_create
from lucid_payments.accounts.models import Client
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.audit import AuditActor
from lucid_payments.events.models import Event
from lucid_payments.events.services import event_publish
from tests.gateway.receiver import Receiver, running_receiver
from tests.tron.api.conftest import TenantApiClient, keyed_client
from tests.wallets.conftest import TEST_MASTER_KEY

LOOPBACK = ["127.0.0.0/8"]


@pytest.fixture(autouse=True)
def webhook_settings(settings: pytest.FixtureRequest) -> None:
    settings.LUCID_MASTER_KEY = TEST_MASTER_KEY  # type: ignore[attr-defined]
    settings.LUCID_MASTER_KEYS_RETIRED = []  # type: ignore[attr-defined]
    settings.WEBHOOK_ALLOWED_CIDRS = LOOPBACK  # type: ignore[attr-defined]
    settings.WEBHOOK_ALLOW_HTTP = True  # type: ignore[attr-defined]


@pytest.fixture
def gateway_api(db: None) -> TenantApiClient:
    return keyed_client([Scope.GATEWAY])


@pytest.fixture
def other_gateway_api(db: None) -> TenantApiClient:
    """A second tenant: must never see or touch the first one's endpoints."""
    return keyed_client([Scope.GATEWAY])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def endpoint_for(client: Client, url: str, events: list[str] | None = None) -> EndpointWithSecret:
    return endpoint_create(
        client=client,
        url=url,
        events=events or ["*"],
        description="test",
        actor=AuditActor.system("test"),
    )


def publish(client: Client, *, type: str = "deposit.seen", n: int = 0) -> Event:
    """An event of ``client`` in its own committed transaction (within the test's)."""
    with transaction.atomic():
        return event_publish(
            type=type,
            client_id=client.pk,
            object_id=f"obj-{n}",
            data={"n": n, "amount": {"amount": "1.5", "asset": "TRX"}},
        )
