"""A staking operation whose process died after it committed and before its answer was
stored is replayed on retry: one operation, one transaction to send, one hold."""

from __future__ import annotations

from typing import Any

import pytest

from lucid_payments.accounts.models import Client
from staking.models import StakingOperation
from tests.core.idempotency_crash import Footprint, abandon_after_commit, assert_replayed
from tests.staking.helpers import TRX, buckets
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def test_a_freeze_killed_after_commit_is_replayed_not_staked_twice(
    devnet: DevnetHandle, staking_api: tuple[Client, Any]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=100 * TRX)
    body = {
        "wallet_id": wallet["id"],
        "amount": {"amount": "40", "asset": "TRX"},
        "resource": "ENERGY",
    }
    first = api.post("/api/v1/staking/freeze", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert first.status_code == 202, first.content
    abandon_after_commit("s-1")
    before, held = Footprint.now(), buckets(tenant.pk)

    retried = api.post("/api/v1/staking/freeze", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")

    assert_replayed(first, retried)
    assert retried.json() == first.json()
    assert Footprint.now() == before
    assert buckets(tenant.pk) == held
    assert StakingOperation.objects.count() == 1
    assert_ledger_consistent()
