"""Concurrent debits against one balance on real PostgreSQL never overdraw it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lucid_payments.core.money import Asset
from tests.wallets.conftest import next_owner_id
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.errors import InsufficientFunds
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import ledger_credit, ledger_hold

pytestmark = pytest.mark.django_db(transaction=True)

DEBITS = 50
DEBIT = 1_000_000
AFFORDABLE = 17  # the balance covers this many debits and not one more


def test_fifty_concurrent_holds_never_overdraw_the_balance() -> None:
    owner = LedgerOwner.customer(next_owner_id(), client_id=1)
    ledger_credit(owner=owner, asset=Asset.USDT, amount=AFFORDABLE * DEBIT, reference="funding")

    start = threading.Barrier(DEBITS)
    outcomes: list[str] = []
    outcomes_lock = threading.Lock()

    def debit(number: int) -> None:
        try:
            start.wait()
            try:
                ledger_hold(
                    owner=owner, asset=Asset.USDT, amount=DEBIT, reference=f"debit:{number}"
                )
                outcome = "held"
            except InsufficientFunds:
                outcome = "refused"
            with outcomes_lock:
                outcomes.append(outcome)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=debit, args=(n,)) for n in range(DEBITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("held") == AFFORDABLE
    assert outcomes.count("refused") == DEBITS - AFFORDABLE
    usdt = next(b for b in owner_balances(owner=owner) if b.asset == Asset.USDT)
    assert (usdt.available, usdt.held) == (0, AFFORDABLE * DEBIT)
    assert_ledger_consistent()
