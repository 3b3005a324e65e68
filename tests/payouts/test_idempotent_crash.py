"""A payout whose process died after it committed and before its answer was stored is
replayed on retry: one payout, one hold, the ledger untouched by the retry."""

from __future__ import annotations

import pytest

from lucid_payments.core.money import Asset
from payouts.batch_models import PayoutBatch
from payouts.models import Payout
from tests.core.idempotency_crash import Footprint, abandon_after_commit, assert_replayed
from tests.payouts.conftest import UNIT, Tenant
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def test_a_payout_killed_after_commit_is_replayed_not_held_twice(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    body = {
        "customer_id": tenant.customer().pk,
        "destination": custody_destination,
        "asset": "USDT",
        "amount": "10",
        "reference": "order-1",
    }
    first = tenant.post("/api/v1/payouts", body, HTTP_IDEMPOTENCY_KEY="p-crash")
    assert first.status_code == 201, first.content
    abandon_after_commit("p-crash")
    before, balance = Footprint.now(), tenant.balance(Asset.USDT)

    retried = tenant.post("/api/v1/payouts", body, HTTP_IDEMPOTENCY_KEY="p-crash")

    assert_replayed(first, retried)
    assert Footprint.now() == before
    assert tenant.balance(Asset.USDT) == balance
    assert Payout.objects.count() == 1
    assert_ledger_consistent()


def test_a_batch_killed_after_commit_is_replayed_not_held_twice(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    customer_id = tenant.customer().pk
    body = {
        "schedule": "hourly",
        "items": [
            {
                "customer_id": customer_id,
                "destination": custody_destination,
                "asset": "USDT",
                "amount": amount,
                "reference": f"batch-item-{n}",
            }
            for n, amount in enumerate(["1", "2.5"])
        ],
    }
    first = tenant.post("/api/v1/payouts/batches", body, HTTP_IDEMPOTENCY_KEY="b-crash")
    assert first.status_code == 201, first.content
    abandon_after_commit("b-crash")
    before, balance = Footprint.now(), tenant.balance(Asset.USDT)

    retried = tenant.post("/api/v1/payouts/batches", body, HTTP_IDEMPOTENCY_KEY="b-crash")

    assert_replayed(first, retried)
    assert Footprint.now() == before
    assert tenant.balance(Asset.USDT) == balance
    assert PayoutBatch.objects.count() == 1 and Payout.objects.count() == 2
    assert_ledger_consistent()
