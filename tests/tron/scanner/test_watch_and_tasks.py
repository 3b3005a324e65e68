"""The watch registry as the scanner sees it, and the scheduled scanner task."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django_q.models import Schedule
from pytest_django.fixtures import DjangoAssertNumQueries
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.schedules import schedules_ensure
from lucid_payments.tron.addresses import to_hex
from lucid_payments.tron.models import ChainTransfer, ScannedBlock, WatchedAddress
from lucid_payments.tron.scanner.lock import scanner_lock
from lucid_payments.tron.tasks import SCANNER_SCHEDULE, scanner_tick
from lucid_payments.tron.watch import (
    WatchSet,
    is_watched,
    unwatch_address,
    watch_address,
    watch_addresses,
)
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.django_db

A = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
B = "TVjsyZ7fYF3qLF6BQgPmTEZy1xrNNyVAAA"
C = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"


def test_watching_is_idempotent_and_accepts_hex() -> None:
    first = watch_address(address=A, purpose="deposit", owner=("wallets.address", "7"))
    again = watch_address(address=to_hex(A), purpose="other")

    assert again.pk == first.pk
    assert (again.purpose, again.owner_type, again.owner_id) == ("deposit", "wallets.address", "7")
    assert WatchedAddress.objects.count() == 1


def test_watching_a_bad_address_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        watch_address(address="T-not-an-address", purpose="deposit")
    assert not WatchedAddress.objects.exists()


def test_watch_set_follows_additions_and_removals_without_rereading_unchanged(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    watched = WatchSet("devnet")
    watch_address(address=A, purpose="deposit", network="devnet")
    assert watched.refresh() is True
    assert to_hex(A) in watched
    with django_assert_num_queries(2):  # the bounds, then the rows added since: none
        assert watched.refresh() is False

    assert watch_addresses([B, C, A], purpose="pool", network="devnet") == 2
    assert watched.refresh() is True
    assert {to_hex(A), to_hex(B), to_hex(C)} == watched.addresses

    assert unwatch_address(address=B, network="devnet") is True
    assert watched.refresh() is True
    assert to_hex(B) not in watched and to_hex(A) in watched
    assert not is_watched(B, network="devnet")
    assert unwatch_address(address=B, network="devnet") is False


@pytest.mark.django_db(transaction=True)
def test_an_address_committed_after_a_newer_one_is_still_loaded() -> None:
    """Ids and transaction ids are drawn before commit, so rows can commit out of order:
    the watch set must not skip the one that commits last. Adding it locked nothing the
    other addition needed (it used to bump one shared row until its commit)."""
    watched = WatchSet("devnet")
    watched.refresh()
    inserted, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                watch_address(address=A, purpose="deposit", network="devnet")
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        assert inserted.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            watch_address(address=B, purpose="deposit", network="devnet")
        assert watched.refresh() is True
        assert to_hex(B) in watched and to_hex(A) not in watched
    finally:
        release.set()
        writer.join(30)

    assert watched.refresh() is True
    assert {to_hex(A), to_hex(B)} == watched.addresses
    first, second = (WatchedAddress.objects.get(address=x) for x in (A, B))
    assert first.pk < second.pk and first.xact < second.xact  # committed last all the same
    assert watched.refresh() is False


@pytest.mark.devnet
def test_scanner_tick_scans_a_bounded_batch(devnet: DevnetHandle) -> None:
    watch_address(address=A, purpose="deposit")
    devnet.faucet(A, trx=5_000_000)
    devnet.mine()

    result = scanner_tick()

    assert result["cursor"] == devnet.status()["head"]["number"]
    assert result["recorded"] == 1
    assert ChainTransfer.objects.get().amount == 5_000_000


@pytest.mark.devnet
def test_scanner_tick_skips_while_another_worker_holds_the_lock(devnet: DevnetHandle) -> None:
    held, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with scanner_lock("devnet") as acquired:
                assert acquired
                held.set()
                release.wait(30)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert held.wait(30)
        assert scanner_tick() == {
            "network": "devnet",
            "skipped": "another scanner holds the lock",
        }
    finally:
        release.set()
        worker.join()


def test_the_scanner_schedule_exists_after_migrate_and_is_installed_once() -> None:
    schedules_ensure([SCANNER_SCHEDULE])  # migrate already ran it once

    schedule = Schedule.objects.get(func="lucid_payments.tron.tasks.scanner_tick")
    assert (schedule.name, schedule.minutes) == ("tron-scanner-tick", 1)


@pytest.mark.devnet
def test_a_new_install_finds_a_payment_made_before_its_first_pass(
    devnet: DevnetHandle, settings: SettingsWrapper
) -> None:
    settings.TRON_SCAN_START_BLOCK = None  # a new install: no cursor, no start configured
    settings.TRON_SCAN_START_LOOKBACK = 1200
    watch_address(address=A, purpose="deposit")
    devnet.faucet(A, trx=7_000_000)
    devnet.mine(blocks=3)  # the payment is in a block behind the head

    result = scanner_tick()

    assert result["cursor"] == devnet.status()["head"]["number"]
    assert ChainTransfer.objects.get().amount == 7_000_000


@pytest.mark.devnet
def test_the_first_pass_looks_back_no_further_than_configured(
    devnet: DevnetHandle, settings: SettingsWrapper
) -> None:
    settings.TRON_SCAN_START_BLOCK = None
    settings.TRON_SCAN_START_LOOKBACK = 1
    watch_address(address=A, purpose="deposit")
    devnet.faucet(A, trx=7_000_000)
    devnet.mine(blocks=3)

    scanner_tick()

    head = devnet.status()["head"]["number"]
    assert not ScannedBlock.objects.filter(number__lt=head - 2).exists()  # started after head - 2
    assert not ChainTransfer.objects.exists()
