"""TRX sweeps on the devnet: an invoice's address over its client's threshold is swept to
the hot wallet once (however often the pass runs), its cost recorded on the sweep and the
invoice; below the threshold nothing moves; a pass that finds a sweep left behind by a
crash carries it on; the hot wallet's excess over its cap goes to the cold wallet; a
customer's deposit address is swept and the money stays the customer's; a sweep whose
transaction fails is failed, with ``sweep.failed``."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from gateway.invoices.models import Invoice
from gateway.sweeps.models import Sweep, SweepAddress, SweepSettings, SweepStatus
from gateway.sweeps.services import sweep_on_outgoing
from lucid_payments.accounts.services import customer_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset, format_amount
from lucid_payments.events.models import Event
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.outgoing.contracts import trx_transfer
from lucid_payments.tron.outgoing.hooks import (
    OutgoingStatus,
    outgoing_subscribe,
    outgoing_unsubscribe,
)
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.gateway_invoices.conftest import Tenant, keyed_tenant
from tests.gateway_sweeps.conftest import (
    SUN,
    books_agree,
    final,
    paid_invoice,
    run_pass,
    seen,
    sweep_through,
    until_final,
    wallet,
)
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.chain_helpers import finalize, include
from wallets.custody import internal_reference
from wallets.fee_receipts import transaction_fee_record
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_available
from wallets.services import customer_deposit_address

ACTOR = AuditActor.system("test")

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def test_a_trx_invoice_address_is_swept_once_to_the_hot_wallet_with_its_cost(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    hot = wallet(tenant, "hot")
    invoice = paid_invoice(devnet, tenant, asset="TRX", units=60 * SUN)
    credited = owner_available(owner=LedgerOwner.client(tenant.client.pk), asset=Asset.TRX)

    first, second = run_pass(), run_pass()  # the task run twice sweeps once
    assert (first.started, second.started) == (1, 0)
    sweep = Sweep.objects.get(source_address=invoice["address"])
    assert (sweep.status, sweep.asset, sweep.destination_address) == (
        SweepStatus.SENDING,
        Asset.TRX,
        hot["address"],
    )
    assert sweep.reference.startswith("internal:sweep:swp_")
    sweep_through(devnet, sweep)
    assert run_pass().completed == 1
    assert run_pass().completed == 0

    sweep.refresh_from_db()
    fee = transaction_fee_record(outgoing_id=sweep.outgoing_id or 0)
    assert fee is not None and sweep.status == SweepStatus.COMPLETED and sweep.txid == fee.txid
    assert sweep.cost_total_sun == fee.fee_sun
    node = get_node()
    assert account(node, hot["address"]).balance_sun == sweep.amount
    assert account(node, invoice["address"]).balance_sun == 60 * SUN - sweep.amount - fee.fee_sun
    # The client's money did not change owner: only the platform paid the fee.
    assert owner_available(owner=LedgerOwner.client(tenant.client.pk), asset=Asset.TRX) == credited
    row = Invoice.objects.get(public_id=invoice["id"])
    assert row.cost_total_sun == sweep.cost_total_sun
    assert row.cost_sweep_sun == sweep.cost_sweep_sun
    shown = tenant.get_invoice(invoice["id"])["settlement"]
    assert shown["costs"]["total"] == {"amount": _trx(row.cost_total_sun), "asset": "TRX"}
    assert shown["net"] == [
        {"amount": _trx(60 * SUN - row.cost_total_sun), "asset": "TRX"},
    ]
    event = Event.objects.get(type="sweep.completed", object_id=sweep.public_id)
    assert event.client_id == tenant.client.pk and event.data["txids"]["sweep"] == sweep.txid
    # Looked at again once final (what is left is below the threshold): not due anymore.
    assert not SweepAddress.objects.get(address=invoice["address"]).due

    listed = tenant.api.get("/api/v1/sweeps").json()
    assert [s["id"] for s in listed["sweeps"]] == [sweep.public_id]
    detail = tenant.api.get(f"/api/v1/sweeps/{sweep.public_id}")
    assert detail.status_code == 200 and detail.json()["invoice_id"] == invoice["id"]
    assert keyed_tenant().api.get(f"/api/v1/sweeps/{sweep.public_id}").status_code == 404
    books_agree()


def _trx(sun: int) -> str:
    return format_amount(sun, Asset.TRX)


def test_an_address_below_the_threshold_is_not_swept(devnet: DevnetHandle, tenant: Tenant) -> None:
    wallet(tenant, "hot")
    invoice = paid_invoice(devnet, tenant, asset="TRX", units=10 * SUN)  # threshold: 50 TRX

    assert run_pass().started == 0
    assert not Sweep.objects.filter(source_address=invoice["address"]).exists()
    assert not SweepAddress.objects.get(address=invoice["address"]).due

    SweepSettings.objects.create(client=tenant.client, threshold_trx_sun=5 * SUN)
    SweepAddress.objects.filter(address=invoice["address"]).update(due=True)
    assert run_pass().started == 1  # the client's own, lower threshold


def test_a_sweep_left_behind_by_a_crash_is_carried_on_by_the_next_pass(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    wallet(tenant, "hot")
    invoice = paid_invoice(devnet, tenant, asset="TRX", units=60 * SUN)
    assert run_pass().started == 1
    sweep = Sweep.objects.get(source_address=invoice["address"])
    # The worker dies between the chain's answer and the sweep's: its transaction goes
    # final while the sweep never hears of it.
    outgoing_unsubscribe(sweep_on_outgoing)
    try:
        sweep_through(devnet, sweep)
    finally:
        outgoing_subscribe(sweep_on_outgoing)
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.SENDING and sweep.final_at is None

    carried = run_pass()
    assert (carried.followed, carried.completed, carried.started) == (1, 1, 0)
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.COMPLETED and sweep.cost_total_sun > 0
    assert Event.objects.filter(type="sweep.completed", object_id=sweep.public_id).count() == 1
    books_agree()


def test_the_hot_wallets_excess_over_its_cap_goes_to_the_cold_wallet(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    hot = wallet(tenant, "hot")
    cold_address = devnet.accounts[1].address  # the client's own, outside our custody
    wallet(tenant, "cold", address=cold_address)
    SweepSettings.objects.create(client=tenant.client, hot_cap_trx_sun=100 * SUN)
    paid_invoice(devnet, tenant, asset="TRX", units=160 * SUN)
    owner = LedgerOwner.client(tenant.client.pk)
    cold_before = account(get_node(), cold_address).balance_sun

    deposit_sweep = Sweep.objects.get(pk=_started(run_pass()))
    sweep_through(devnet, deposit_sweep)
    run_pass()  # completes the deposit sweep, then finds the hot wallet over its cap
    excess = Sweep.objects.get(kind="excess")
    on_hot = account(get_node(), hot["address"]).balance_sun
    assert excess.amount == on_hot - 100 * SUN and excess.destination_address == cold_address
    available_before = owner_available(owner=owner, asset=Asset.TRX)
    assert excess.outgoing_id is not None
    include(devnet, excess.outgoing_id)
    finalize(devnet, excess.outgoing_id)
    assert run_pass().completed == 1

    excess.refresh_from_db()
    assert excess.status == SweepStatus.COMPLETED
    assert account(get_node(), cold_address).balance_sun == cold_before + excess.amount
    # It left custody: the client's balance paid for it (held when recorded, settled).
    assert owner_available(owner=owner, asset=Asset.TRX) == available_before
    assert available_before == 160 * SUN - excess.amount
    books_agree()


def _started(result: object) -> int:
    sweep = Sweep.objects.order_by("-id").first()
    assert sweep is not None, result
    return sweep.pk


def test_a_customers_deposit_address_is_swept_and_the_money_stays_the_customers(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    hot = wallet(tenant, "hot")
    customer = customer_create(client=tenant.client, external_ref="c-1", actor=ACTOR)
    deposit, _ = customer_deposit_address(customer=customer)
    devnet.faucet(deposit.address, trx=70 * SUN)
    seen(devnet)
    final(devnet)
    owner = LedgerOwner.customer(customer.pk, client_id=tenant.client.pk)
    assert owner_available(owner=owner, asset=Asset.TRX) == 70 * SUN

    assert run_pass().started == 1
    sweep = sweep_through(devnet, Sweep.objects.get(source_address=deposit.address))
    assert run_pass().completed == 1
    sweep.refresh_from_db()
    assert sweep.invoice_id is None and sweep.destination_address == hot["address"]
    assert account(get_node(), hot["address"]).balance_sun == sweep.amount
    assert owner_available(owner=owner, asset=Asset.TRX) == 70 * SUN
    assert owner_available(owner=LedgerOwner.client(tenant.client.pk), asset=Asset.TRX) == 0
    books_agree()


def test_a_sweep_whose_transaction_fails_is_failed_with_an_event_and_nothing_booked(
    devnet: DevnetHandle, tenant: Tenant, settings: Any
) -> None:
    settings.TRON_TX_EXPIRATION_MS = 6_000  # two devnet blocks: a refused copy dies fast
    hot = wallet(tenant, "hot")
    invoice = paid_invoice(devnet, tenant, asset="TRX", units=60 * SUN)
    assert run_pass().started == 1
    sweep = Sweep.objects.get(source_address=invoice["address"])
    # Before the worker sends it, another movement of ours empties half the address:
    # the sweep's transaction is refused (balance not sufficient) and never lands.
    with transaction.atomic():
        drain = outgoing_create(
            call=trx_transfer(owner=invoice["address"], to=hot["address"], amount_sun=30 * SUN),
            reference=internal_reference("test:drain"),
        )
    until_final(devnet, drain.pk)
    assert sweep.outgoing_id is not None
    assert outgoing_process(sweep.outgoing_id) == OutgoingStatus.SIGNED  # refused
    devnet.mine(3 + SOLID_LAG)
    assert outgoing_process(sweep.outgoing_id) == OutgoingStatus.FAILED

    sweep.refresh_from_db()
    assert (sweep.status, sweep.failure_code) == (SweepStatus.FAILED, "CONTRACT_VALIDATE_ERROR")
    event = Event.objects.get(type="sweep.failed", object_id=sweep.public_id)
    assert event.data["failure_code"] == "CONTRACT_VALIDATE_ERROR"
    assert not SweepAddress.objects.get(address=invoice["address"]).due
    run_pass()
    sweep.refresh_from_db()
    assert sweep.costed_at is not None and sweep.cost_total_sun == 0  # never in a block
    assert Invoice.objects.get(public_id=invoice["id"]).cost_total_sun == 0
    books_agree()
