"""A refund whose process died after it committed and before its answer was stored is
replayed on retry: one refund, one hold, one transaction to send."""

from __future__ import annotations

import pytest

from gateway.invoices.models import Refund
from tests.core.idempotency_crash import Footprint, abandon_after_commit, assert_replayed
from tests.gateway_invoices.conftest import Tenant
from tests.gateway_invoices.test_refunds import USDT, _paid_invoice
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def test_a_refund_killed_after_commit_is_replayed_not_refunded_twice(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=200_000_000, usdt=10 * USDT)
    invoice = _paid_invoice(devnet, tenant)
    url = f"/api/v1/invoices/{invoice['id']}/refunds"
    body = {"amount": "4", "to_address": devnet.accounts[5].address}
    first = tenant.post(url, body, HTTP_IDEMPOTENCY_KEY="r-crash")
    assert first.status_code == 202, first.content
    abandon_after_commit("r-crash")
    before = Footprint.now()

    retried = tenant.post(url, body, HTTP_IDEMPOTENCY_KEY="r-crash")

    assert_replayed(first, retried)
    assert retried.json() == first.json()
    assert Footprint.now() == before
    assert Refund.objects.count() == 1
    assert_ledger_consistent()
