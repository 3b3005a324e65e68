"""A customer registered by a process that died before its answer was stored is not
refused as a duplicate on retry: the retry replays the first answer."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Customer
from tests.core.idempotency_crash import abandon_after_commit, assert_replayed

pytestmark = pytest.mark.django_db


def test_a_customer_killed_after_commit_is_replayed_not_a_409(api: APIClient) -> None:
    body = {"external_ref": "user-42"}
    first = api.post("/api/v1/customers", body, format="json", HTTP_IDEMPOTENCY_KEY="c-crash")
    assert first.status_code == 201, first.content
    abandon_after_commit("c-crash")

    retried = api.post("/api/v1/customers", body, format="json", HTTP_IDEMPOTENCY_KEY="c-crash")

    assert_replayed(first, retried)
    assert retried.json() == first.json()
    assert Customer.objects.count() == 1
