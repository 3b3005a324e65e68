"""A retry after the process died between the service's commit and the stored response
replays the first answer: one transfer, the ledger untouched by the retry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lucid_payments.accounts.models import Customer
from lucid_payments.core.idempotency import request_fingerprint
from lucid_payments.core.models import IdempotencyRecord
from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingTransaction
from tests.core.idempotency_crash import Footprint, abandon_after_commit, assert_replayed
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger_transfers import LedgerTransfer
from wallets.models.wallets import Wallet, WalletAddress

pytestmark = pytest.mark.django_db

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_a_wallet_transfer_killed_after_commit_is_replayed_not_sent_twice(wallets_api) -> None:
    tenant, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=5_000_000, reference="fund"
    )
    url = f"/api/v1/wallets/{wallet['id']}/transfers"
    body = {"to": RECIPIENT, "amount": {"amount": "2", "asset": "TRX"}}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t-crash")
    assert first.status_code == 202, first.content
    abandon_after_commit("t-crash")
    before = Footprint.now()

    retried = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t-crash")

    assert_replayed(first, retried)
    assert retried.json() == first.json()
    assert Footprint.now() == before
    assert OutgoingTransaction.objects.count() == 1
    assert_ledger_consistent()


def test_a_book_transfer_killed_after_commit_replays_its_201(wallets_api) -> None:
    tenant, api = wallets_api
    customer = Customer.objects.create(client=tenant, external_ref="c1")
    ledger_credit(
        owner=LedgerOwner.customer(customer.pk, client_id=tenant.pk),
        asset=Asset.TRX,
        amount=2_000_000,
        reference="funding",
    )
    body: dict[str, Any] = {
        "from": {"type": "customer", "customer_id": customer.pk},
        "to": {"type": "client"},
        "amount": {"amount": "1.5", "asset": "TRX"},
        "reference": "order-1",
    }
    first = api.post("/api/v1/ledger/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.status_code == 201, first.content
    abandon_after_commit("b-1")
    before = Footprint.now()

    retried = api.post("/api/v1/ledger/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1")

    # Not the 200 of "found already booked": the answer the first attempt gave.
    assert_replayed(first, retried)
    assert retried.json() == first.json()
    assert Footprint.now() == before
    assert LedgerTransfer.objects.count() == 1
    assert_ledger_consistent()


def test_a_wallet_transfer_killed_before_commit_is_sent_once_on_retry(wallets_api) -> None:
    """Nothing committed (one transaction), so no effect: the retry does the work."""
    tenant, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=5_000_000, reference="fund"
    )
    url = f"/api/v1/wallets/{wallet['id']}/transfers"
    body = {"to": RECIPIENT, "amount": {"amount": "2", "asset": "TRX"}}
    IdempotencyRecord.objects.create(
        scope=f"client:{tenant.pk}",
        key="t-early",
        fingerprint=request_fingerprint("POST", url, body),
        expires_at=timezone.now() + timedelta(hours=24),
    )

    retried = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t-early")

    assert retried.status_code == 202, retried.content
    assert not retried.has_header("Idempotent-Replayed")
    assert OutgoingTransaction.objects.count() == 1
    assert_ledger_consistent()


def test_a_wallet_and_an_address_killed_after_commit_are_replayed(wallets_api) -> None:
    _, api = wallets_api
    first = api.post("/api/v1/wallets", {"kind": "hot"}, format="json", HTTP_IDEMPOTENCY_KEY="w")
    assert first.status_code == 201, first.content
    abandon_after_commit("w")
    retried = api.post("/api/v1/wallets", {"kind": "hot"}, format="json", HTTP_IDEMPOTENCY_KEY="w")
    assert_replayed(first, retried)
    assert retried.json() == first.json()

    url = f"/api/v1/wallets/{first.json()['id']}/addresses"
    made = api.post(url, {"label": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="a")
    assert made.status_code == 201, made.content
    abandon_after_commit("a")
    again = api.post(url, {"label": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="a")
    assert_replayed(made, again)
    assert again.json() == made.json()
    assert Wallet.objects.count() == 1
    assert WalletAddress.objects.count() == 2  # index 0 and the one derived, not a third
