"""Twenty identical POSTs racing with one Idempotency-Key, on the real PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Customer
from lucid_payments.accounts.services import api_key_create, client_create

RACERS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_creates_make_one_customer_with_identical_bodies() -> None:
    tenant = client_create(name="racer")
    _, plaintext = api_key_create(client=tenant, name="race")
    start = threading.Barrier(RACERS)

    def post(_: int) -> tuple[int, Any, str | None]:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        try:
            start.wait()
            response = api.post(
                "/api/v1/customers",
                {"external_ref": "same-person", "display_name": "Same Person"},
                format="json",
                HTTP_IDEMPOTENCY_KEY="create-same-person",
            )
            return response.status_code, response.json(), response.get("Idempotent-Replayed")
        finally:
            connection.close()  # each thread has its own connection; leave none behind

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(pool.map(post, range(RACERS)))

    assert Customer.objects.filter(client=tenant).count() == 1
    statuses = {status for status, _, _ in results}
    assert statuses == {201}, results
    bodies = [body for _, body, _ in results]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["id"] == Customer.objects.get(client=tenant).pk
    # Exactly one request did the work; the other nineteen were replays of it.
    assert sorted(replayed or "" for _, _, replayed in results).count("true") == RACERS - 1
