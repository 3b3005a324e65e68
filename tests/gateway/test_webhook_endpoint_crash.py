"""A webhook endpoint registered by a process that died before its answer was stored is
not registered twice: the retry replays it, with the secret null like any replay."""

from __future__ import annotations

import pytest

from gateway.webhooks.models import WebhookEndpoint
from tests.core.idempotency_crash import abandon_after_commit, assert_replayed
from tests.gateway.receiver import Receiver

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhook-endpoints"


def test_an_endpoint_killed_after_commit_is_replayed_not_registered_twice(
    gateway_api, receiver: Receiver
) -> None:
    body = {"url": receiver.url, "events": ["deposit.*"]}
    first = gateway_api.post(BASE, body, format="json", HTTP_IDEMPOTENCY_KEY="we-crash")
    assert first.status_code == 201, first.content
    abandon_after_commit("we-crash")

    retried = gateway_api.post(BASE, body, format="json", HTTP_IDEMPOTENCY_KEY="we-crash")

    assert_replayed(first, retried)
    assert retried.json() == {**first.json(), "secret": None}
    assert WebhookEndpoint.objects.count() == 1
