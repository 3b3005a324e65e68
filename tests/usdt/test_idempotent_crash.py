"""USDT transfers and approvals whose process died after they committed and before their
answer was stored are replayed on retry: one transfer, one approval, one transaction to
send, the ledger untouched by the retry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.idempotency_crash import Footprint, abandon_after_commit, assert_replayed
from tests.tron.conftest import DevnetHandle
from tests.usdt.conftest import SUN
from tests.wallets.chain_helpers import funded_hot_wallet
from tests.wallets.ledger_helpers import assert_ledger_consistent
from usdt.models import UsdtApproval, UsdtTransfer

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

HOLDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
SPENDER = "TVjsyZ7fYF3qLF6BQgPmTEZy1xrNNyVAAA"


def _killed_then_retried(api: Any, url: str, body: dict[str, Any], key: str) -> None:
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 202, first.content
    abandon_after_commit(key)
    before = Footprint.now()

    retried = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert_replayed(first, retried)
    assert retried.json() == first.json()
    assert Footprint.now() == before


def test_usdt_transfers_and_approvals_killed_after_commit_are_replayed(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=50 * SUN, usdt=7 * SUN)
    amount = {"amount": "2", "asset": "USDT"}

    _killed_then_retried(
        api,
        "/api/v1/usdt/transfers",
        {"wallet_id": hot["id"], "to": HOLDER, "amount": amount},
        "u-transfer",
    )
    _killed_then_retried(
        api,
        "/api/v1/usdt/approvals",
        {"wallet_id": hot["id"], "spender": SPENDER, "amount": amount},
        "u-approval",
    )

    assert UsdtTransfer.objects.count() == UsdtApproval.objects.count() == 1
    assert_ledger_consistent()
