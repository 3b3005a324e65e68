"""A bad recipient on a TRX transfer is reported under the field the client sent (``to``),
and nothing is held or queued."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingTransaction
from tests.wallets.conftest import TEST_MASTER_KEY
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import Hold

pytestmark = pytest.mark.django_db

VALID_RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


@pytest.fixture
def funded_hot_wallet(settings: Any) -> tuple[APIClient, str]:
    """A tenant's API client and the transfers URL of its hot wallet holding 5 TRX."""
    settings.LUCID_MASTER_KEY = TEST_MASTER_KEY
    settings.LUCID_MASTER_KEYS_RETIRED = []
    tenant = client_create(name="transfer-errors")
    _, plaintext = api_key_create(client=tenant, name="k", scopes=[Scope.WALLETS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=5_000_000, reference="fund"
    )
    return api, f"/api/v1/wallets/{wallet['id']}/transfers"


@pytest.mark.parametrize(
    "to",
    [
        "not-an-address",
        "TJRabPrwbZy45sbavfcjinPJC18kjpRTv9",  # one character off: the checksum fails
        "41" + "00" * 19,  # hex, one byte short
        "42" + "11" * 20,  # hex, wrong network prefix
    ],
)
def test_an_invalid_recipient_is_reported_under_to(
    funded_hot_wallet: tuple[APIClient, str], to: str
) -> None:
    api, url = funded_hot_wallet
    response = api.post(
        url,
        {"to": to, "amount": {"amount": "1", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"bad-to-{to}",
    )
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["to"], fields
    assert "address" not in fields
    assert OutgoingTransaction.objects.count() == 0
    assert Hold.objects.count() == 0


def test_a_hex_recipient_is_accepted_and_shown_in_base58(
    funded_hot_wallet: tuple[APIClient, str],
) -> None:
    api, url = funded_hot_wallet
    hex_form = "41" + "5cbdd86a2fa8dc4bddd8a8f69dba48572eec07fb"
    response = api.post(
        url,
        {"to": hex_form, "amount": {"amount": "1", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="hex-to",
    )
    assert response.status_code == 202, response.content
    assert response.json()["to"].startswith("T")
