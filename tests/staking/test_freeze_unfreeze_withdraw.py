"""Freeze, unfreeze and withdraw-expired through the trx-staking API on the devnet: the
ledger moves available → held → staked → available, the chain's amounts match to the
SUN, and reconcile agrees at every step (in a block, final)."""

from __future__ import annotations

import pytest

from lucid_payments.accounts.models import Client
from staking.models import OperationStatus, StakingOperation
from tests.staking.helpers import TRX, buckets, chain_account, reconciled, settle
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from wallets.models.ledger import Bucket

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

FUNDING = 100 * TRX


def _post(api, path: str, body: dict, key: str):  # type: ignore[no-untyped-def]
    return api.post(f"/api/v1/staking/{path}", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_freeze_unfreeze_and_withdraw_move_the_staked_bucket_and_reconcile_agrees(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=FUNDING)
    start_balance = chain_account(wallet["address"]).balance_sun

    response = _post(
        api,
        "freeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "40", "asset": "TRX"},
            "resource": "ENERGY",
        },
        "freeze-1",
    )
    assert response.status_code == 202, response.content
    freeze = response.json()
    assert (freeze["kind"], freeze["status"]) == ("freeze", "pending")
    assert buckets(tenant.pk) == {
        Bucket.AVAILABLE: 60 * TRX,
        Bucket.HELD: 40 * TRX,
        Bucket.STAKED: 0,
    }
    replay = _post(
        api,
        "freeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "40", "asset": "TRX"},
            "resource": "ENERGY",
        },
        "freeze-1",
    )
    assert replay.json()["id"] == freeze["id"]
    assert StakingOperation.objects.count() == 1

    operation = StakingOperation.objects.get(pk=freeze["id"])
    include(devnet, operation.outgoing_id)
    report = reconciled()  # frozen on chain, still held on the ledger: a freeze in flight
    assert report.staked is not None and report.staked.pending_freeze == 40 * TRX
    finalize(devnet, operation.outgoing_id)
    operation.refresh_from_db()
    assert operation.status == OperationStatus.CONFIRMED
    assert buckets(tenant.pk) == {
        Bucket.AVAILABLE: 60 * TRX,
        Bucket.HELD: 0,
        Bucket.STAKED: 40 * TRX,
    }
    account = chain_account(wallet["address"])
    assert account.frozen_sun["ENERGY"] == 40 * TRX
    fees = operation.fee or 0
    assert account.balance_sun == start_balance - 40 * TRX - fees
    report = reconciled()
    assert report.staked is not None and report.staked.on_chain == 40 * TRX

    resources = api.get(f"/api/v1/staking/resources/{wallet['id']}").json()
    assert resources["staked"]["energy"] == {"amount": "40", "asset": "TRX"}
    assert resources["energy"]["limit"] == account.resources.energy_limit > 0
    assert resources["ledger_staked"] == {"amount": "40", "asset": "TRX"}

    response = _post(
        api,
        "unfreeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "15", "asset": "TRX"},
            "resource": "ENERGY",
        },
        "unfreeze-1",
    )
    assert response.status_code == 202, response.content
    unfreeze = settle(devnet, response.json())
    assert unfreeze.status == OperationStatus.CONFIRMED
    fees += unfreeze.fee or 0
    account = chain_account(wallet["address"])
    assert account.frozen_sun["ENERGY"] == 25 * TRX
    assert [item.amount_sun for item in account.unfreezing] == [15 * TRX]
    # Unfreezing TRX is still staked on the ledger until it is withdrawn.
    assert buckets(tenant.pk)[Bucket.STAKED] == 40 * TRX
    reconciled()

    too_early = _post(api, "withdraw-expired", {"wallet_id": wallet["id"]}, "withdraw-0")
    assert too_early.status_code == 422
    assert too_early.json()["error"]["code"] == "nothing_to_withdraw"
    pending = api.get(f"/api/v1/staking/resources/{wallet['id']}").json()["pending_unfreezes"]
    assert [(p["amount"]["amount"], p["withdrawable"]) for p in pending] == [("15", False)]

    devnet.mine(10)  # past the devnet's unfreeze wait
    response = _post(api, "withdraw-expired", {"wallet_id": wallet["id"]}, "withdraw-1")
    assert response.status_code == 202, response.content
    withdraw = StakingOperation.objects.get(pk=response.json()["id"])
    include(devnet, withdraw.outgoing_id)
    report = reconciled()  # spendable on chain, still staked on the ledger
    assert report.staked is not None and report.staked.pending_withdraw == 15 * TRX
    finalize(devnet, withdraw.outgoing_id)
    withdraw.refresh_from_db()
    assert (withdraw.status, withdraw.withdrawn_unstaked) == (OperationStatus.CONFIRMED, 15 * TRX)
    fees += withdraw.fee or 0
    assert buckets(tenant.pk) == {
        Bucket.AVAILABLE: 75 * TRX,
        Bucket.HELD: 0,
        Bucket.STAKED: 25 * TRX,
    }
    account = chain_account(wallet["address"])
    assert account.unfreezing == ()
    assert account.balance_sun == start_balance - 25 * TRX - fees
    reconciled()

    listed = api.get("/api/v1/staking/operations").json()["results"]
    assert [(o["kind"], o["status"]) for o in listed] == [
        ("withdraw_expired", "confirmed"),
        ("unfreeze", "confirmed"),
        ("freeze", "confirmed"),
    ]
    assert listed[0]["withdrawn"] == {"amount": "15", "asset": "TRX"}
