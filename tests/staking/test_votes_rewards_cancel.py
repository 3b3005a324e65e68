"""Votes, reward claims and cancelling unfreezes through the API on the devnet: a claimed
reward is credited to the client exactly as the chain paid it, a cancelled unfreeze is
frozen again, and reconcile agrees."""

from __future__ import annotations

import pytest

from devnet.genesis import witnesses
from lucid_payments.accounts.models import Client
from staking.models import OperationStatus, StakingOperation
from tests.staking.helpers import TRX, buckets, chain_account, reconciled, settle
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from wallets.models.ledger import Bucket

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def _post(api, path: str, body: dict, key: str):  # type: ignore[no-untyped-def]
    return api.post(f"/api/v1/staking/{path}", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_vote_then_claim_credits_the_reward_the_chain_paid(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=50 * TRX)
    witness = witnesses(0)[0].base58
    freeze = _post(
        api,
        "freeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "20", "asset": "TRX"},
            "resource": "BANDWIDTH",
        },
        "f",
    )
    settle(devnet, freeze.json())
    no_reward = _post(api, "rewards/claim", {"wallet_id": wallet["id"]}, "c0")
    assert no_reward.status_code == 422
    assert no_reward.json()["error"]["code"] == "no_reward"
    too_many = _post(
        api,
        "votes",
        {"wallet_id": wallet["id"], "votes": [{"witness": witness, "count": 21}]},
        "v0",
    )
    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "not_enough_tron_power"

    vote = _post(
        api,
        "votes",
        {"wallet_id": wallet["id"], "votes": [{"witness": witness, "count": 20}]},
        "v1",
    )
    assert vote.status_code == 202, vote.content
    assert settle(devnet, vote.json()).status == OperationStatus.CONFIRMED
    account = chain_account(wallet["address"])
    assert [(v.witness, v.count) for v in account.votes] == [(witness, 20)]
    resources = api.get(f"/api/v1/staking/resources/{wallet['id']}").json()
    assert resources["votes"] == [{"witness": witness, "count": 20}]

    available_before = buckets(tenant.pk)[Bucket.AVAILABLE]
    claim = _post(api, "rewards/claim", {"wallet_id": wallet["id"]}, "c1")
    assert claim.status_code == 202, claim.content
    operation = StakingOperation.objects.get(pk=claim.json()["id"])
    include(devnet, operation.outgoing_id)
    reconciled()  # the reward is on chain before the ledger credits it
    finalize(devnet, operation.outgoing_id)
    operation.refresh_from_db()
    assert operation.status == OperationStatus.CONFIRMED
    assert operation.withdrawn_reward > 0
    assert buckets(tenant.pk)[Bucket.AVAILABLE] == available_before + operation.withdrawn_reward
    reconciled()
    body = api.get(f"/api/v1/staking/operations/{operation.pk}").json()
    assert body["reward"]["amount"] != "0"


def test_cancel_unfreezes_freezes_the_waiting_amount_again(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=50 * TRX)
    nothing = _post(api, "cancel-unfreezes", {"wallet_id": wallet["id"]}, "c0")
    assert nothing.status_code == 422
    assert nothing.json()["error"]["code"] == "no_unfreezes"
    settle(
        devnet,
        _post(
            api,
            "freeze",
            {
                "wallet_id": wallet["id"],
                "amount": {"amount": "20", "asset": "TRX"},
                "resource": "ENERGY",
            },
            "f",
        ).json(),
    )
    settle(
        devnet,
        _post(
            api,
            "unfreeze",
            {
                "wallet_id": wallet["id"],
                "amount": {"amount": "5", "asset": "TRX"},
                "resource": "ENERGY",
            },
            "u",
        ).json(),
    )
    assert chain_account(wallet["address"]).frozen_sun["ENERGY"] == 15 * TRX

    response = _post(api, "cancel-unfreezes", {"wallet_id": wallet["id"]}, "c1")
    assert response.status_code == 202, response.content
    cancel = settle(devnet, response.json())
    assert (cancel.status, cancel.withdrawn_unstaked) == (OperationStatus.CONFIRMED, 0)
    account = chain_account(wallet["address"])
    assert (account.frozen_sun["ENERGY"], account.unfreezing) == (20 * TRX, ())
    assert buckets(tenant.pk)[Bucket.STAKED] == 20 * TRX
    reconciled()
