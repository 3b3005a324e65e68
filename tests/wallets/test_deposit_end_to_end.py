"""Money in on the devnet: 10 USDT and 5 TRX sent to a customer's deposit address are
credited exactly once when final, visible through GET /api/v1/balances, and reconcile
finds no difference."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lucid_payments.accounts.models import Customer
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from wallets.models.ledger import JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

TEN_USDT = 10_000_000
FIVE_TRX = 5_000_000


def _balances(api, customer_id: int) -> dict[str, dict[str, str]]:
    response = api.get(f"/api/v1/balances?customer={customer_id}")
    assert response.status_code == 200, response.content
    return {row["asset"]: row for row in response.json()["balances"]}


def test_a_deposit_is_credited_once_on_final_and_reconciles(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    customer = Customer.objects.create(client=tenant, external_ref="alice")
    response = api.post(f"/api/v1/customers/{customer.pk}/deposit-address")
    assert response.status_code == 201, response.content
    deposit_address = response.json()["address"]

    devnet.faucet(deposit_address, trx=FIVE_TRX, usdt=TEN_USDT)
    devnet.mine()
    scanner = BlockScanner()
    scan_once(scanner)

    seen = _balances(api, customer.pk)  # seen, not final: nothing credited yet
    assert seen["USDT"]["available"] == {"amount": "0", "asset": "USDT"}
    assert seen["TRX"]["available"] == {"amount": "0", "asset": "TRX"}

    devnet.mine(SOLID_LAG)
    scan_once(scanner)
    scan_once(scanner)  # scanning again changes nothing

    final = _balances(api, customer.pk)
    assert final["USDT"]["available"] == {"amount": "10", "asset": "USDT"}
    assert final["TRX"]["available"] == {"amount": "5", "asset": "TRX"}
    assert final["USDT"]["held"] == {"amount": "0", "asset": "USDT"}
    assert JournalEntry.objects.filter(kind="credit").count() == 2

    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "no difference" in out.getvalue()
    call_command("ledger_verify", stdout=StringIO())


def test_wallet_detail_shows_on_chain_balances_and_resources(
    devnet: DevnetHandle, wallets_api
) -> None:
    _, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    devnet.faucet(wallet["address"], trx=FIVE_TRX, usdt=TEN_USDT)
    devnet.mine()

    detail = api.get(f"/api/v1/wallets/{wallet['id']}").json()

    assert detail["chain_error"] is None
    assert detail["chain"]["activated"] is True
    assert detail["chain"]["trx"] == {"amount": "5", "asset": "TRX"}
    assert detail["chain"]["usdt"] == {"amount": "10", "asset": "USDT"}
    assert detail["chain"]["resources"]["free_net_limit"] > 0
    assert {b["asset"] for b in detail["ledger"]} == {"TRX", "USDT"}
