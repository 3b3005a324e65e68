"""Concurrent book transfers on real PostgreSQL: two that together overdraw a customer's
balance leave exactly one booked, and twins with one reference book once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.accounts.services import client_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import ApplicationError
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import ledger_credit
from wallets.ledger_transfers import BookTransfer, ledger_transfer_create
from wallets.models.ledger_transfers import LedgerTransfer

pytestmark = pytest.mark.django_db(transaction=True)

ACTOR = AuditActor.system("test")


def _funded_customer(sun: int) -> tuple[Client, Customer]:
    tenant = client_create(name="concurrent")
    customer = Customer.objects.create(client=tenant, external_ref="payer")
    ledger_credit(
        owner=LedgerOwner.customer(customer.pk, client_id=tenant.pk),
        asset=Asset.TRX,
        amount=sun,
        reference=f"funding:{customer.pk}",
    )
    return tenant, customer


def _race(attempts: list[Callable[[], object]]) -> list[str]:
    """Run every attempt at once, each on its own connection; the outcome codes."""
    start = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(attempt: Callable[[], object]) -> None:
        try:
            start.wait()
            try:
                attempt()
                outcome = "booked"
            except ApplicationError as exc:
                outcome = exc.code
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_concurrent_transfers_that_together_overdraw_leave_one_booked() -> None:
    tenant, customer = _funded_customer(1_500_000)

    def pay(reference: str) -> Callable[[], object]:
        wanted = BookTransfer(customer, None, Asset.TRX, 1_000_000, reference)
        return lambda: ledger_transfer_create(client=tenant, wanted=wanted, actor=ACTOR)

    assert _race([pay("a"), pay("b")]) == ["booked", "insufficient_funds"]
    owner = LedgerOwner.customer(customer.pk, client_id=tenant.pk)
    trx = next(b for b in owner_balances(owner=owner) if b.asset == Asset.TRX)
    assert trx.available == 500_000
    assert LedgerTransfer.objects.count() == 1
    assert Event.objects.filter(type="ledger_transfer.created").count() == 1
    assert_ledger_consistent()


def test_concurrent_twins_with_one_reference_book_once() -> None:
    tenant, customer = _funded_customer(5_000_000)
    wanted = BookTransfer(customer, None, Asset.TRX, 1_000_000, "same")

    outcomes = _race(
        [lambda: ledger_transfer_create(client=tenant, wanted=wanted, actor=ACTOR)] * 4
    )

    assert outcomes == ["booked"] * 4  # the losers answer the winner's transfer
    assert LedgerTransfer.objects.count() == 1
    assert Event.objects.filter(type="ledger_transfer.created").count() == 1
    assert_ledger_consistent()


def test_concurrent_transfers_with_one_reference_and_different_bodies_book_one() -> None:
    tenant, customer = _funded_customer(5_000_000)

    def pay(amount: int) -> Callable[[], object]:
        wanted = BookTransfer(customer, None, Asset.TRX, amount, "same")
        return lambda: ledger_transfer_create(client=tenant, wanted=wanted, actor=ACTOR)

    outcomes = _race([pay(1_000_000), pay(2_000_000)])

    assert outcomes == ["booked", "ledger_transfer_reference_reused"]
    assert LedgerTransfer.objects.count() == 1
    assert_ledger_consistent()
