"""A freeze the chain refuses when it is broadcast (the ledger allowed it, the wallet's
balance on chain did not): the API refuses it first when it can see it; when the chain
only says so at broadcast, the operation ends failed and the hold is released."""

from __future__ import annotations

import pytest

from lucid_payments.accounts.models import Client
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingStatus
from lucid_payments.tron.outgoing.steps import outgoing_process
from staking.models import OperationStatus, Resource
from staking.services import staking_freeze
from tests.staking.helpers import TRX, buckets
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import Bucket
from wallets.models.wallets import Wallet

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def test_a_freeze_refused_by_the_chain_fails_and_releases_its_hold(
    devnet: DevnetHandle, staking_api: tuple[Client, object], settings: object
) -> None:
    settings.TRON_TX_MAX_ATTEMPTS = 1  # type: ignore[attr-defined]
    tenant, api = staking_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=5 * TRX)
    # TRX of the client's that is not on this wallet (on another of its addresses, say).
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=20 * TRX, reference="elsewhere"
    )
    refused = api.post(
        "/api/v1/staking/freeze",
        {
            "wallet_id": wallet["id"],
            "amount": {"amount": "10", "asset": "TRX"},
            "resource": "ENERGY",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "wallet_balance_too_low"

    # The same freeze reaching the chain anyway (its balance changed after the check).
    operation = staking_freeze(
        wallet=Wallet.objects.get(pk=wallet["id"]),
        amount_sun=10 * TRX,
        resource=Resource.ENERGY,
        actor=AuditActor.system("test"),
    )
    assert buckets(tenant.pk)[Bucket.HELD] == 10 * TRX
    outgoing_process(operation.outgoing_id)  # signed, broadcast, refused by the node
    devnet.mine(25)  # the solidified chain passes its expiration: it can never land
    assert outgoing_process(operation.outgoing_id) == OutgoingStatus.FAILED
    operation.refresh_from_db()
    assert operation.status == OperationStatus.FAILED
    assert operation.failure_code
    assert buckets(tenant.pk) == {Bucket.AVAILABLE: 25 * TRX, Bucket.HELD: 0, Bucket.STAKED: 0}
    body = api.get(f"/api/v1/staking/operations/{operation.pk}").json()
    assert (body["status"], body["failure_code"]) == ("failed", operation.failure_code)
