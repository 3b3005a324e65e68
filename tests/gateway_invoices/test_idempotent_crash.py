"""An invoice whose process died after it committed and before its answer was stored is
replayed on retry: the same invoice and address, no second one."""

from __future__ import annotations

import pytest

from gateway.invoices.models import Invoice
from tests.core.idempotency_crash import Footprint, abandon_after_commit, assert_replayed
from tests.gateway_invoices.conftest import Tenant

pytestmark = pytest.mark.django_db


def test_an_invoice_killed_after_commit_is_replayed_not_created_twice(tenant: Tenant) -> None:
    body = {"asset": "USDT", "amount": "12.5", "order_id": "o-1"}
    first = tenant.post("/api/v1/invoices", body, HTTP_IDEMPOTENCY_KEY="i-crash")
    assert first.status_code == 201, first.content
    abandon_after_commit("i-crash")
    before = Footprint.now()

    retried = tenant.post("/api/v1/invoices", body, HTTP_IDEMPOTENCY_KEY="i-crash")

    assert_replayed(first, retried)
    assert retried.json()["address"] == first.json()["address"]
    assert retried.json()["amount"] == first.json()["amount"]
    assert Footprint.now() == before
    assert Invoice.objects.count() == 1
