"""Delegating staked energy to another activated address and taking it back, through the
API on the devnet: the chain's delegated amounts match to the SUN, the stake stays on the
client's staked account throughout, and reconcile agrees."""

from __future__ import annotations

import pytest

from lucid_payments.accounts.models import Client
from staking.models import Delegation, DelegationStatus, OperationStatus
from tests.staking.helpers import TRX, buckets, chain_account, reconciled, settle
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from wallets.models.ledger import Bucket

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

NEVER_ACTIVATED = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_delegate_and_undelegate_energy(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=50 * TRX)
    receiver = devnet.accounts[1].address
    freeze = api.post(
        "/api/v1/staking/freeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "30", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="f",
    )
    settle(devnet, freeze.json())

    refused = api.post(
        "/api/v1/staking/delegations",
        {
            "wallet_id": wallet["id"],
            "receiver": NEVER_ACTIVATED,
            "amount": {"amount": "10", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="d0",
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "receiver_not_activated"
    too_much = api.post(
        "/api/v1/staking/delegations",
        {
            "wallet_id": wallet["id"],
            "receiver": receiver,
            "amount": {"amount": "31", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="d1",
    )
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "not_enough_delegatable"
    assert not Delegation.objects.exists()

    response = api.post(
        "/api/v1/staking/delegations",
        {
            "wallet_id": wallet["id"],
            "receiver": receiver,
            "amount": {"amount": "10", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="d2",
    )
    assert response.status_code == 202, response.content
    delegate = settle(devnet, response.json())
    assert delegate.status == OperationStatus.CONFIRMED
    delegation = Delegation.objects.get(pk=delegate.delegation_id)
    assert delegation.status == DelegationStatus.ACTIVE
    owner = chain_account(wallet["address"])
    assert (owner.frozen_sun["ENERGY"], owner.delegated_out_sun["ENERGY"]) == (20 * TRX, 10 * TRX)
    assert chain_account(receiver).delegated_in_sun["ENERGY"] == 10 * TRX
    assert buckets(tenant.pk)[Bucket.STAKED] == 30 * TRX  # delegated stake is still ours
    report = reconciled()
    assert report.staked is not None and report.staked.on_chain == 30 * TRX
    resources = api.get(f"/api/v1/staking/resources/{wallet['id']}").json()
    assert resources["delegated_out"]["energy"] == {"amount": "10", "asset": "TRX"}
    assert resources["staked"]["energy"] == {"amount": "20", "asset": "TRX"}
    listed = api.get("/api/v1/staking/delegations").json()
    assert [(d["id"], d["status"]) for d in listed] == [(delegation.pk, "active")]

    response = api.post(
        f"/api/v1/staking/delegations/{delegation.pk}/undelegate",
        format="json",
        HTTP_IDEMPOTENCY_KEY="u1",
    )
    assert response.status_code == 202, response.content
    again = api.post(
        f"/api/v1/staking/delegations/{delegation.pk}/undelegate",
        format="json",
        HTTP_IDEMPOTENCY_KEY="u2",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "delegation_not_active"
    undelegate = settle(devnet, response.json())
    assert undelegate.status == OperationStatus.CONFIRMED
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.UNDELEGATED
    owner = chain_account(wallet["address"])
    assert (owner.frozen_sun["ENERGY"], owner.delegated_out_sun["ENERGY"]) == (30 * TRX, 0)
    assert chain_account(receiver).delegated_in_sun["ENERGY"] == 0
    reconciled()
