"""What the staking API refuses before anything is recorded (bad input, what the chain
would refuse, short funds), and that one tenant never reaches another's wallets,
operations or delegations (404, as for ids that do not exist)."""

from __future__ import annotations

import pytest

from lucid_payments.accounts.models import Client
from lucid_payments.core.money import Asset
from staking.models import Delegation, StakingOperation
from tests.staking.conftest import tenant_api
from tests.staking.helpers import TRX, buckets, settle
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import Bucket, JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def _freeze(api, wallet_id: int, amount: str, key: str, resource: str = "ENERGY"):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/staking/freeze",
        {
            "wallet_id": wallet_id,
            "amount": {"amount": amount, "asset": "TRX"},
            "resource": resource,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_refused_requests_record_nothing(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=10 * TRX)
    entries = JournalEntry.objects.count()

    below_minimum = _freeze(api, wallet["id"], "0.5", "k1")
    assert below_minimum.status_code == 422
    assert below_minimum.json()["error"]["code"] == "amount_below_minimum"
    short = _freeze(api, wallet["id"], "11", "k2")
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "wallet_balance_too_low"
    bad_resource = _freeze(api, wallet["id"], "1", "k3", resource="TRON_POWER")
    assert bad_resource.status_code == 400
    assert "resource" in bad_resource.json()["error"]["fields"]
    nothing_frozen = api.post(
        "/api/v1/staking/unfreeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "1", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="k4",
    )
    assert nothing_frozen.status_code == 422
    assert nothing_frozen.json()["error"] == {
        "code": "nothing_frozen",
        "message": "no frozenBalance(Energy)",
        "fields": {},
    }
    no_key = api.post(
        "/api/v1/staking/withdraw-expired", {"wallet_id": wallet["id"]}, format="json"
    )
    assert no_key.status_code == 400

    assert not StakingOperation.objects.exists()
    assert JournalEntry.objects.count() == entries
    assert buckets(tenant.pk) == {Bucket.AVAILABLE: 10 * TRX, Bucket.HELD: 0, Bucket.STAKED: 0}


def test_a_freeze_beyond_the_available_balance_is_refused(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=10 * TRX)
    assert _freeze(api, wallet["id"], "6", "k1").status_code == 202  # held, not sent yet
    short = _freeze(api, wallet["id"], "5", "k2")
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "insufficient_funds"
    assert StakingOperation.objects.count() == 1
    assert buckets(tenant.pk) == {Bucket.AVAILABLE: 4 * TRX, Bucket.HELD: 6 * TRX, Bucket.STAKED: 0}


def test_a_freeze_the_chain_cannot_cover_is_refused_before_it_is_held(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    """The ledger says yes, the wallet on chain is empty (never activated): the chain's
    refusal comes back as a 422 and nothing is held."""
    tenant, api = staking_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=5 * TRX, reference="gift"
    )
    response = _freeze(api, wallet["id"], "2", "k")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "wallet_not_activated"
    assert buckets(tenant.pk)[Bucket.HELD] == 0


def test_another_tenants_wallet_operation_and_delegation_are_404(
    devnet: DevnetHandle, staking_api: tuple[Client, object]
) -> None:
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=20 * TRX)
    settle(devnet, _freeze(api, wallet["id"], "5", "f").json())
    delegate = api.post(
        "/api/v1/staking/delegations",
        {
            "wallet_id": wallet["id"],
            "receiver": devnet.accounts[1].address,
            "amount": {"amount": "2", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="d",
    ).json()
    operation_id = delegate["id"]
    delegation_id = delegate["delegation_id"]

    _, stranger = tenant_api("stranger")
    assert _freeze(stranger, wallet["id"], "1", "s1").status_code == 404
    assert stranger.get(f"/api/v1/staking/resources/{wallet['id']}").status_code == 404
    assert stranger.get(f"/api/v1/staking/operations/{operation_id}").status_code == 404
    assert stranger.get("/api/v1/staking/operations").json()["results"] == []
    assert stranger.get("/api/v1/staking/delegations").json() == []
    undelegate = stranger.post(
        f"/api/v1/staking/delegations/{delegation_id}/undelegate",
        format="json",
        HTTP_IDEMPOTENCY_KEY="s2",
    )
    assert undelegate.status_code == 404
    assert undelegate.json()["error"]["code"] == "delegation_not_found"
    assert StakingOperation.objects.count() == 2
    assert Delegation.objects.get(pk=delegation_id).status == "pending"
