"""Invoices paid on the devnet: each status and exception with its events, and the
client's ledger credited exactly once per payment, on final only."""

from __future__ import annotations

import pytest

from gateway.invoices.models import InvoiceSettings, SpeedPolicy
from gateway.invoices.services import invoice_expire_due
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.gateway_invoices.conftest import (
    SettableClock,
    Tenant,
    event_types,
    final,
    pay,
    seen,
)
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.models.ledger import JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

USDT = 1_000_000  # one USDT in base units


def available(tenant: Tenant, asset: Asset) -> int:
    balances = owner_balances(owner=LedgerOwner.client(tenant.client.pk))
    return next((b.available for b in balances if b.asset == asset), 0)


def test_a_payment_is_processing_when_seen_and_paid_and_credited_once_when_final(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    invoice = tenant.invoice(amount="10")
    pay(devnet, invoice["address"], usdt=10 * USDT)
    seen(devnet)

    processing = tenant.get_invoice(invoice["id"])
    assert processing["status"] == "processing"
    assert processing["due"] == {"amount": "0", "asset": "USDT"}
    assert processing["paid_amount"] == {"amount": "0", "asset": "USDT"}
    [payment] = processing["payments"]
    assert payment["status"] == "seen" and payment["confirmations"] == 1
    assert payment["amount"] == {"amount": "10", "asset": "USDT"}
    assert available(tenant, Asset.USDT) == 0  # nothing is credited before final

    final(devnet)
    scan_once(BlockScanner())  # scanning again changes nothing

    paid = tenant.get_invoice(invoice["id"])
    assert (paid["status"], paid["exception"]) == ("paid", "none")
    assert paid["paid_amount"] == {"amount": "10", "asset": "USDT"}
    assert paid["payments"][0]["status"] == "final"
    assert paid["settlement"]["net"] == [
        {"amount": "10", "asset": "USDT"},
        {"amount": "0", "asset": "TRX"},
    ]
    assert available(tenant, Asset.USDT) == 10 * USDT
    assert JournalEntry.objects.filter(kind="credit").count() == 1
    assert event_types(invoice["id"]) == [
        "invoice.created",
        "invoice.processing",
        "invoice.paid",
    ]
    # The invoice's events replace the deposit events of its address.
    assert not Event.objects.filter(type__startswith="deposit.").exists()
    data = Event.objects.get(type="invoice.paid").data
    assert data["id"] == invoice["id"] and data["status"] == "paid"
    assert data["paid_amount"] == {"amount": "10", "asset": "USDT"}


def test_a_partial_payment_then_a_second_one_completes_the_invoice(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    invoice = tenant.invoice(amount="10")
    pay(devnet, invoice["address"], usdt=4 * USDT)
    seen(devnet)
    final(devnet)
    partial = tenant.get_invoice(invoice["id"])
    assert partial["status"] == "processing"
    assert partial["due"] == {"amount": "6", "asset": "USDT"}

    pay(devnet, invoice["address"], usdt=6 * USDT)
    seen(devnet)
    final(devnet)

    paid = tenant.get_invoice(invoice["id"])
    assert (paid["status"], paid["exception"]) == ("paid", "none")
    assert len(paid["payments"]) == 2
    assert available(tenant, Asset.USDT) == 10 * USDT
    assert event_types(invoice["id"]).count("invoice.paid") == 1


def test_an_overpaid_invoice_is_paid_with_the_exception_and_all_of_it_credited(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    invoice = tenant.invoice(amount="5")
    pay(devnet, invoice["address"], usdt=7 * USDT)
    seen(devnet)
    final(devnet)

    paid = tenant.get_invoice(invoice["id"])
    assert (paid["status"], paid["exception"]) == ("paid", "overpaid")
    assert paid["paid_amount"] == {"amount": "7", "asset": "USDT"}
    assert available(tenant, Asset.USDT) == 7 * USDT
    assert Event.objects.get(type="invoice.paid").data["exception"] == "overpaid"


def test_an_underpaid_invoice_expires_underpaid_and_what_arrived_is_credited(
    devnet: DevnetHandle, tenant: Tenant, clock: SettableClock
) -> None:
    invoice = tenant.invoice(amount="10", expires_in=60)
    pay(devnet, invoice["address"], usdt=3 * USDT)
    seen(devnet)
    final(devnet)

    clock.advance(61)
    assert invoice_expire_due() == 1
    assert invoice_expire_due() == 0  # safe to run twice

    expired = tenant.get_invoice(invoice["id"])
    assert (expired["status"], expired["exception"]) == ("expired", "underpaid")
    assert available(tenant, Asset.USDT) == 3 * USDT
    assert event_types(invoice["id"])[-1] == "invoice.expired"
    assert Event.objects.get(type="invoice.expired").data["exception"] == "underpaid"


def test_a_shortfall_within_the_tolerance_is_paid(devnet: DevnetHandle, tenant: Tenant) -> None:
    InvoiceSettings.objects.create(client=tenant.client, tolerance_bps=100)  # 1 %
    invoice = tenant.invoice(amount="10")
    pay(devnet, invoice["address"], usdt=9_900_000)
    seen(devnet)
    final(devnet)
    assert tenant.get_invoice(invoice["id"])["status"] == "paid"


def test_an_unpaid_invoice_expires_with_its_event(tenant: Tenant, clock: SettableClock) -> None:
    invoice = tenant.invoice(amount="10", expires_in=60)
    clock.advance(59)
    assert invoice_expire_due() == 0
    clock.advance(2)
    assert invoice_expire_due() == 1
    expired = tenant.get_invoice(invoice["id"])
    assert (expired["status"], expired["exception"]) == ("expired", "none")
    assert event_types(invoice["id"]) == ["invoice.created", "invoice.expired"]
    assert tenant.post(f"/api/v1/invoices/{invoice['id']}/cancel").status_code == 409


def test_a_payment_after_expiry_inside_the_window_is_paid_late(
    devnet: DevnetHandle, tenant: Tenant, clock: SettableClock
) -> None:
    invoice = tenant.invoice(amount="10", expires_in=60)
    clock.advance(120)  # the periodic task has not run: the payment expires it first
    pay(devnet, invoice["address"], usdt=10 * USDT)
    seen(devnet)
    assert tenant.get_invoice(invoice["id"])["status"] == "expired"
    final(devnet)

    late = tenant.get_invoice(invoice["id"])
    assert (late["status"], late["exception"]) == ("paid", "paid_late")
    assert late["payments"][0]["late"] is True
    assert available(tenant, Asset.USDT) == 10 * USDT
    assert event_types(invoice["id"]) == [
        "invoice.created",
        "invoice.expired",
        "invoice.paid",
        "invoice.paid_late",
    ]


def test_a_payment_after_the_monitoring_window_is_credited_but_changes_nothing(
    devnet: DevnetHandle, tenant: Tenant, clock: SettableClock
) -> None:
    invoice = tenant.invoice(amount="10", expires_in=60)
    clock.advance(60 + 24 * 3600 + 1)
    invoice_expire_due()
    pay(devnet, invoice["address"], usdt=10 * USDT)
    seen(devnet)
    final(devnet)

    after = tenant.get_invoice(invoice["id"])
    assert (after["status"], after["exception"]) == ("expired", "none")
    assert after["payments"][0]["counted"] is False
    assert available(tenant, Asset.USDT) == 10 * USDT


def test_a_payment_dropped_by_a_fork_makes_the_invoice_invalid(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    invoice = tenant.invoice(amount="10")
    devnet.mine(SOLID_LAG)
    scan_once(BlockScanner())
    pay(devnet, invoice["address"], usdt=10 * USDT)
    seen(devnet)
    assert tenant.get_invoice(invoice["id"])["status"] == "processing"

    devnet.fork(1)
    devnet.mine(2)  # a longer chain without the payment
    scan_once(BlockScanner())

    invalid = tenant.get_invoice(invoice["id"])
    assert invalid["status"] == "invalid"
    assert invalid["payments"][0]["status"] == "dropped"
    assert invalid["payments"][0]["confirmations"] == 0
    assert available(tenant, Asset.USDT) == 0
    assert event_types(invoice["id"]) == [
        "invoice.created",
        "invoice.processing",
        "invoice.invalid",
    ]


def test_a_top_up_invoice_is_paid_by_any_amount(devnet: DevnetHandle, tenant: Tenant) -> None:
    invoice = tenant.invoice(asset="TRX")
    pay(devnet, invoice["address"], trx=3_250_000)
    seen(devnet)
    final(devnet)

    paid = tenant.get_invoice(invoice["id"])
    assert (paid["status"], paid["exception"]) == ("paid", "none")
    assert paid["paid_amount"] == {"amount": "3.25", "asset": "TRX"}
    assert available(tenant, Asset.TRX) == 3_250_000


def test_a_payment_to_a_cancelled_invoice_is_credited_and_it_stays_cancelled(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    invoice = tenant.invoice(amount="10")
    assert tenant.post(f"/api/v1/invoices/{invoice['id']}/cancel").status_code == 200
    pay(devnet, invoice["address"], usdt=10 * USDT)
    seen(devnet)
    final(devnet)

    after = tenant.get_invoice(invoice["id"])
    assert after["status"] == "cancelled"
    assert after["paid_amount"] == {"amount": "10", "asset": "USDT"}
    assert available(tenant, Asset.USDT) == 10 * USDT
    assert event_types(invoice["id"]) == ["invoice.created", "invoice.cancelled"]


def test_the_seen_policy_marks_small_invoices_paid_in_a_block_but_credits_on_final(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    InvoiceSettings.objects.create(
        client=tenant.client, speed_policy=SpeedPolicy.SEEN, seen_max_usdt_units=20 * USDT
    )
    small = tenant.invoice(amount="10")
    large = tenant.invoice(amount="50")
    assert (small["speed_policy"], large["speed_policy"]) == ("seen", "final")
    pay(devnet, small["address"], usdt=10 * USDT)
    seen(devnet)

    assert tenant.get_invoice(small["id"])["status"] == "paid"
    assert available(tenant, Asset.USDT) == 0
    final(devnet)
    assert available(tenant, Asset.USDT) == 10 * USDT
    assert event_types(small["id"]).count("invoice.paid") == 1


def test_another_asset_sent_to_an_invoice_is_a_plain_deposit(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    invoice = tenant.invoice(amount="10")
    pay(devnet, invoice["address"], trx=2_000_000)
    seen(devnet)
    final(devnet)

    after = tenant.get_invoice(invoice["id"])
    assert after["status"] == "new" and after["payments"] == []
    assert available(tenant, Asset.TRX) == 2_000_000
    assert Event.objects.filter(type="deposit.credited").count() == 1


def test_an_operators_mark_is_not_undone_by_a_later_payment(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    from gateway.invoices.models import Invoice
    from gateway.invoices.operator_marks import invoice_mark
    from lucid_payments.core.audit import AuditActor

    invoice = tenant.invoice(amount="10")
    pay(devnet, invoice["address"], usdt=4 * USDT)
    seen(devnet)
    final(devnet)
    assert tenant.get_invoice(invoice["id"])["status"] == "processing"
    row = Invoice.objects.get(public_id=invoice["id"])
    invoice_mark(
        invoice_id=row.pk, status="paid", reason="rest paid by bank", actor=AuditActor.system("t")
    )

    pay(devnet, invoice["address"], usdt=1 * USDT)  # still short of the amount
    seen(devnet)
    final(devnet)

    after = tenant.get_invoice(invoice["id"])
    assert (after["status"], after["exception"]) == ("paid", "marked")
    assert after["paid_amount"] == {"amount": "5", "asset": "USDT"}
    assert available(tenant, Asset.USDT) == 5 * USDT
