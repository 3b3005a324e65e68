"""Invoice creations of one client at once: none waits for another's commit, and no two
get the same address index (a skipped index is harmless, a reused one is not)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DataError, connection, transaction

from gateway.invoices.models import Invoice
from gateway.invoices.services import invoice_create
from lucid_payments.accounts.models import Client, Customer
from lucid_payments.accounts.services import client_create, customer_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from tests.wallets.conftest import next_owner_id
from wallets.models.wallets import Wallet, WalletAddress, WalletKind

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = AuditActor.system("test")


def _create(client: Client, *, customer_id: int | None = None, order_id: str = "") -> Invoice:
    return invoice_create(
        client=client,
        asset=Asset.USDT,
        amount=1,
        actor=ACTOR,
        customer_id=customer_id,
        order_id=order_id,
    ).invoice


def _sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first reading: drop it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _in_thread(work: Callable[[], None], failures: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the test's assertion
            failures.append(error)
        finally:
            connection.close()  # each thread has its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_invoice_creation_does_not_wait_for_another_still_open() -> None:
    client = client_create(name=f"invoices-open-{next_owner_id()}")
    held = customer_create(client=client, external_ref="held", actor=ACTOR)
    _create(client)  # the deposit wallet exists from here on
    failures: list[BaseException] = []

    # The first creation stops at its commit, where the (deferred) check of its invoice
    # row's customer waits for the lock this test holds: its transaction is open with its
    # address and watch row written, which used to lock the wallet and the watch list for
    # every other creation until it committed.
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=held.pk)
        first = _in_thread(lambda: _create(client, customer_id=held.pk), failures)
        assert _eventually(lambda: _sessions_waiting_for_a_lock() == 1), failures

        def second() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            _create(client)

        other = _in_thread(second, failures)
        other.join(30)
        assert failures == []  # no lock timeout: it did not wait for the first
        assert first.is_alive()  # which is still waiting, its transaction open
    first.join(30)

    assert failures == []
    indexes = sorted(Invoice.objects.filter(client=client).values_list("address__index", flat=True))
    assert len(indexes) == 3 and len(set(indexes)) == 3


def _eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    pause = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        pause.wait(0.05)
    return False


def test_concurrent_creations_never_reuse_an_address_index_and_a_failed_one_skips_it() -> None:
    client = client_create(name=f"invoices-many-{next_owner_id()}")
    _create(client)
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def create_five() -> None:
        start.wait()
        for _ in range(5):
            _create(client)

    threads = [_in_thread(create_five, failures) for _ in range(6)]
    for thread in threads:
        thread.join(60)
    with pytest.raises(DataError):  # refused by the database after its index was taken
        _create(client, order_id="x" * 200)
    _create(client)

    assert failures == []
    wallet = Wallet.objects.get(client=client, kind=WalletKind.DEPOSIT)
    indexes = sorted(Invoice.objects.filter(client=client).values_list("address__index", flat=True))
    assert len(indexes) == 32 and len(set(indexes)) == 32
    # Index 0 is the wallet's own address, 1 to 31 the first invoices; 32 went to the failed
    # creation and stays unused.
    assert indexes == [*range(1, 32), 33] and wallet.next_index == 34
    assert not WalletAddress.objects.filter(wallet=wallet, index=32).exists()
