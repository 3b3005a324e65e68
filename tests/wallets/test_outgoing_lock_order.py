"""Two outgoing transactions ending at once book their fee and settle their hold in
opposite orders: on real PostgreSQL that is a deadlock, unless the ending locks its ledger
accounts first (the wallets' outgoing locker) or the transition is retried."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction

from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.hooks import (
    OutgoingEvent,
    notify_status_change,
    outgoing_subscribe,
    outgoing_unsubscribe,
)
from lucid_payments.tron.outgoing.lock_retry import is_lock_conflict, run_retrying_lock_conflicts
from tests.wallets.conftest import next_owner_id
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit, ledger_hold, ledger_network_fee, ledger_settle
from wallets.models.ledger import Hold, HoldStatus

pytestmark = pytest.mark.django_db(transaction=True)

AMOUNT = 5_000_000
FEE = 345_000
# Long enough for the other thread to take its first locks; short, because once the lock
# order is fixed the other thread waits on a lock instead and never comes to the barrier.
MEET_TIMEOUT_S = 1.0


class Ending:
    """One client's USDT send ending: a TRX network fee and the settlement of its hold."""

    def __init__(self, name: str) -> None:
        self.client_id = next_owner_id()
        self.hold = f"test-lock-order:{name}:{self.client_id}"
        self.fee = f"network-fee:test:{name}:{self.client_id}"
        owner = LedgerOwner.client(self.client_id)
        ledger_credit(owner=owner, asset=Asset.USDT, amount=AMOUNT, reference=f"{self.hold}:in")
        ledger_hold(owner=owner, asset=Asset.USDT, amount=AMOUNT, reference=self.hold)

    def book_fee(self) -> None:
        ledger_network_fee(asset=Asset.TRX, amount=FEE, reference=self.fee)

    def settle(self) -> None:
        ledger_settle(reference=self.hold)


@pytest.fixture
def endings() -> tuple[Ending, Ending]:
    # Every account exists beforehand, as in production: each booking only locks.
    ledger_network_fee(asset=Asset.TRX, amount=1, reference=f"network-fee:test:{next_owner_id()}")
    return Ending("fee-first"), Ending("settle-first")


def _meet(barrier: threading.Barrier) -> None:
    try:
        barrier.wait(timeout=MEET_TIMEOUT_S)
    except threading.BrokenBarrierError:
        pass  # the other thread is waiting on a lock (or this is a retry): go on


def _run_both(first: Callable[[], None], second: Callable[[], None]) -> list[Exception]:
    errors: list[Exception] = []

    def run(body: Callable[[], None]) -> None:
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(body,)) for body in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def _opposite_orders(
    endings: tuple[Ending, Ending], barrier: threading.Barrier
) -> tuple[Callable[[], None], Callable[[], None]]:
    fee_first, settle_first = endings

    def one() -> None:
        fee_first.book_fee()
        _meet(barrier)
        fee_first.settle()

    def other() -> None:
        settle_first.settle()
        _meet(barrier)
        settle_first.book_fee()

    return one, other


def _settled(endings: tuple[Ending, Ending]) -> list[str]:
    return [Hold.objects.get(reference=e.hold).status for e in endings]


def test_the_two_booking_orders_deadlock_without_a_common_lock_order(
    endings: tuple[Ending, Ending],
) -> None:
    one, other = _opposite_orders(endings, threading.Barrier(2))

    errors = _run_both(transaction.atomic()(one), transaction.atomic()(other))

    assert len(errors) == 1 and is_lock_conflict(errors[0]), errors
    assert sorted(_settled(endings)) == sorted([HoldStatus.SETTLED, HoldStatus.HELD])
    assert_ledger_consistent()


@pytest.fixture
def hooks_in_opposite_orders(endings: tuple[Ending, Ending]) -> Iterator[tuple[Ending, Ending]]:
    """Subscribe a handler that books each ending's pair in its own order."""
    barrier = threading.Barrier(2)
    one, other = _opposite_orders(endings, barrier)
    by_reference = {endings[0].hold: one, endings[1].hold: other}

    def handler(event: OutgoingEvent) -> None:
        if event.reference in by_reference and event.status == OutgoingStatus.FINAL:
            by_reference[event.reference]()

    outgoing_subscribe(handler)
    yield endings
    outgoing_unsubscribe(handler)


def _ending_transition(ending: Ending, outgoing_id: int) -> Callable[[], None]:
    # The bookings of a real ending, run by notify_status_change as the final transition
    # runs them; the outgoing row itself is not needed by this handler.
    outgoing = OutgoingTransaction(
        pk=outgoing_id,
        client_id=ending.client_id,
        reference=ending.hold,
        status=OutgoingStatus.FINAL,
        txid=f"{outgoing_id:064x}",
        parameters={},
    )

    @transaction.atomic
    def run() -> None:
        notify_status_change(outgoing, OutgoingStatus.CONFIRMED)

    return run


def test_endings_lock_their_accounts_first_and_both_settle(
    hooks_in_opposite_orders: tuple[Ending, Ending],
) -> None:
    fee_first, settle_first = hooks_in_opposite_orders
    base = next_owner_id() * 1000

    errors = _run_both(
        _ending_transition(fee_first, base + 1), _ending_transition(settle_first, base + 2)
    )

    assert errors == []
    assert _settled(hooks_in_opposite_orders) == [HoldStatus.SETTLED, HoldStatus.SETTLED]
    assert_ledger_consistent()


def test_a_deadlock_victim_is_retried_at_once_and_both_settle(
    endings: tuple[Ending, Ending],
) -> None:
    one, other = _opposite_orders(endings, threading.Barrier(2))
    pauses: list[float] = []

    def retried(body: Callable[[], None]) -> Callable[[], None]:
        return lambda: run_retrying_lock_conflicts(
            transaction.atomic()(body), sleep=pauses.append, jitter=lambda: 0.5
        )

    errors = _run_both(retried(one), retried(other))

    assert errors == []
    assert len(pauses) == 1  # the victim ran once more, straight away
    assert _settled(endings) == [HoldStatus.SETTLED, HoldStatus.SETTLED]
    assert_ledger_consistent()
