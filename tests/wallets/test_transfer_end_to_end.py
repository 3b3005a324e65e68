"""A TRX transfer from a client's hot wallet on the devnet: held when accepted, signed by
the keystore's WalletSigner, and settled on the ledger when final."""

from __future__ import annotations

import pytest

from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import Hold, HoldStatus

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_a_trx_transfer_is_signed_by_the_keystore_and_settled_when_final(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    devnet.faucet(wallet["address"], trx=10_000_000)
    devnet.mine()
    client = LedgerOwner.client(tenant.pk)
    ledger_credit(owner=client, asset=Asset.TRX, amount=10_000_000, reference="funding")

    response = api.post(
        f"/api/v1/wallets/{wallet['id']}/transfers",
        {"to": RECIPIENT, "amount": {"amount": "2", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert response.status_code == 202, response.content
    outgoing = OutgoingTransaction.objects.get(pk=response.json()["id"])
    assert outgoing.client_id == tenant.pk  # so the tenant sees its status on tron-client

    outgoing_process(outgoing.pk)  # sign (WalletSigner) and broadcast
    devnet.mine(SOLID_LAG + 1)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL

    assert Hold.objects.get().status == HoldStatus.SETTLED
    trx = next(b for b in owner_balances(owner=client) if b.asset == Asset.TRX)
    assert (trx.available, trx.held) == (8_000_000, 0)
    assert_ledger_consistent()
