"""Refunds on the devnet: part of a paid invoice lands on chain exactly once and the
ledger agrees; a refund above what was paid, or without a hot wallet, is a 4xx that
changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import tronpy
from tronpy.providers import HTTPProvider

from gateway.invoices.models import Refund
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.gateway_invoices.conftest import Tenant, final, keyed_tenant, pay, seen
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.models.ledger import Hold

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

USDT = 1_000_000


def _balance(tenant: Tenant, asset: Asset) -> tuple[int, int]:
    for row in owner_balances(owner=LedgerOwner.client(tenant.client.pk)):
        if row.asset == asset:
            return row.available, row.held
    return 0, 0


def _paid_invoice(devnet: DevnetHandle, tenant: Tenant, usdt: str = "10") -> dict[str, Any]:
    invoice = tenant.invoice(amount=usdt)
    pay(devnet, invoice["address"], usdt=int(float(usdt)) * USDT)
    seen(devnet)
    final(devnet)
    assert tenant.get_invoice(invoice["id"])["status"] == "paid"
    return invoice


def _token_balance(devnet: DevnetHandle, address: str) -> int:
    client = tronpy.Tron(provider=HTTPProvider(devnet.url, timeout=10))
    return int(client.get_contract(devnet.token_address).functions.balanceOf(address))


def test_a_partial_refund_lands_on_chain_once_and_the_ledger_agrees(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    # Until sweeps move invoice payments to the hot wallet, it needs USDT of its own.
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=200_000_000, usdt=10 * USDT)
    invoice = _paid_invoice(devnet, tenant)
    recipient = devnet.accounts[5].address
    before_chain = _token_balance(devnet, recipient)
    before_ledger = _balance(tenant, Asset.USDT)
    body = {"amount": "4", "to_address": recipient}

    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds", body, HTTP_IDEMPOTENCY_KEY="r1"
    )
    replay = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds", body, HTTP_IDEMPOTENCY_KEY="r1"
    )

    assert response.status_code == 202, response.content
    assert replay.json() == response.json()
    refund = response.json()
    assert refund["id"].startswith("rf_") and refund["status"] == "pending"
    assert refund["amount"] == {"amount": "4", "asset": "USDT"}
    assert _balance(tenant, Asset.USDT) == (before_ledger[0] - 4 * USDT, 4 * USDT)

    outgoing = OutgoingTransaction.objects.get()
    include(devnet, outgoing.pk)
    assert Refund.objects.get().status == "sent"
    finalize(devnet, outgoing.pk)
    scan_once(BlockScanner())

    assert _token_balance(devnet, recipient) - before_chain == 4 * USDT
    assert _balance(tenant, Asset.USDT) == (before_ledger[0] - 4 * USDT, 0)
    listed = tenant.api.get(f"/api/v1/invoices/{invoice['id']}/refunds").json()["refunds"]
    assert [(r["id"], r["status"]) for r in listed] == [(refund["id"], "confirmed")]
    outgoing.refresh_from_db()
    assert listed[0]["txid"] == outgoing.txid
    shown = tenant.get_invoice(invoice["id"])["settlement"]
    assert shown["refunded"] == {"amount": "4", "asset": "USDT"}
    assert shown["net"][0] == {"amount": "6", "asset": "USDT"}
    types = list(
        Event.objects.filter(object_id=refund["id"]).order_by("id").values_list("type", flat=True)
    )
    assert types == ["refund.created", "refund.sent", "refund.confirmed"]

    # What is left is 6: more is refused, exactly 6 is accepted.
    too_much = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds", {**body, "amount": "6.000001"}
    )
    assert too_much.status_code == 400
    assert too_much.json()["error"]["code"] == "refund_exceeds_paid"
    rest = tenant.post(f"/api/v1/invoices/{invoice['id']}/refunds", {**body, "amount": "6"})
    assert rest.status_code == 202


def test_a_refund_above_what_was_paid_changes_nothing(devnet: DevnetHandle, tenant: Tenant) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=50_000_000, usdt=100 * USDT)
    invoice = _paid_invoice(devnet, tenant, usdt="3")
    before = _balance(tenant, Asset.USDT)
    events = Event.objects.count()

    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds",
        {"amount": "3.5", "to_address": devnet.accounts[5].address},
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "refund_exceeds_paid" and "amount" in error["fields"]
    assert not Refund.objects.exists() and not OutgoingTransaction.objects.exists()
    assert not Hold.objects.exists()
    assert _balance(tenant, Asset.USDT) == before
    assert Event.objects.count() == events


def test_an_unpaid_invoice_has_nothing_to_refund(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="3")
    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds",
        {"amount": "1", "to_address": invoice["address"]},
    )
    assert response.status_code == 400
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "1"},
        {"amount": 1, "to_address": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"},
        {"amount": "0", "to_address": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"},
        {"amount": "1", "to_address": "not-an-address"},
    ],
)
def test_bad_refund_input_is_a_400(tenant: Tenant, body: dict[str, Any]) -> None:
    invoice = tenant.invoice(amount="3")
    response = tenant.post(f"/api/v1/invoices/{invoice['id']}/refunds", body)
    assert response.status_code == 400, response.content
    assert not Refund.objects.exists()


def test_without_a_hot_wallet_a_refund_is_refused(devnet: DevnetHandle, tenant: Tenant) -> None:
    invoice = _paid_invoice(devnet, tenant, usdt="2")
    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds",
        {"amount": "1", "to_address": devnet.accounts[5].address},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_hot_wallet"
    assert not Refund.objects.exists() and not Hold.objects.exists()


def test_a_refund_that_fails_on_chain_releases_its_hold(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=200_000_000)  # no USDT on it
    invoice = _paid_invoice(devnet, tenant)
    before = _balance(tenant, Asset.USDT)
    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds",
        {"amount": "4", "to_address": devnet.accounts[5].address},
    )
    assert response.status_code == 202
    outgoing = OutgoingTransaction.objects.get()
    include(devnet, outgoing.pk)  # the token transfer reverts: the hot wallet holds none
    devnet.mine(SOLID_LAG)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FAILED

    assert _balance(tenant, Asset.USDT) == before
    refund = Refund.objects.get()
    assert refund.status == "failed" and refund.failure_code
    assert Event.objects.filter(object_id=refund.public_id).latest("id").type == "refund.failed"
    # A failed refund gives its amount back to what can be refunded.
    again = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds",
        {"amount": "10", "to_address": devnet.accounts[5].address},
    )
    assert again.status_code == 202


def test_a_refund_to_another_tenants_invoice_is_credited_there(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=200_000_000, usdt=10 * USDT)
    invoice = _paid_invoice(devnet, tenant)
    other = keyed_tenant()
    their_invoice = other.invoice(amount="2")

    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/refunds",
        {"amount": "2", "to_address": their_invoice["address"]},
    )
    assert response.status_code == 202
    outgoing = OutgoingTransaction.objects.get()
    include(devnet, outgoing.pk)
    finalize(devnet, outgoing.pk)
    scan_once(BlockScanner())

    assert _balance(other, Asset.USDT) == (2 * USDT, 0)
    assert other.get_invoice(their_invoice["id"])["status"] == "paid"
