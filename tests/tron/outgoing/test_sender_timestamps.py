"""Per-sender transaction timestamps: never handed out twice, also to workers racing in
separate connections, and never behind chain time."""

from __future__ import annotations

import importlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from lucid_payments.tron.models import (
    OutgoingAttempt,
    OutgoingOrigin,
    OutgoingTransaction,
    SenderClock,
)
from lucid_payments.tron.outgoing.timestamps import timestamp_allocate

SENDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
OTHER_SENDER = "TF8h2RjdwccAqJ6WEXPKfpP4TWpAyh7GWV"
HEAD_MS = 1_760_000_000_000


@pytest.mark.django_db
def test_a_sender_never_gets_a_timestamp_twice_and_never_one_behind_the_chain() -> None:
    def allocate(not_before_ms: int, owner: str = SENDER, network: str = "devnet") -> int:
        return timestamp_allocate(network=network, owner_address=owner, not_before_ms=not_before_ms)

    assert allocate(HEAD_MS) == HEAD_MS
    assert allocate(HEAD_MS) == HEAD_MS + 1  # same head block: the next millisecond
    assert allocate(HEAD_MS - 3_000) == HEAD_MS + 2  # an older head never goes back
    assert allocate(HEAD_MS + 3_000) == HEAD_MS + 3_000  # chain time moved past it
    assert allocate(HEAD_MS, owner=OTHER_SENDER) == HEAD_MS  # each sender its own clock
    assert allocate(HEAD_MS, network="nile") == HEAD_MS  # and each network


@pytest.mark.django_db(transaction=True)
def test_workers_allocating_at_once_for_one_sender_all_get_different_timestamps() -> None:
    workers, each = 8, 25
    start = threading.Barrier(workers)

    def allocate_many(_: int) -> list[int]:
        try:
            start.wait()
            return [
                timestamp_allocate(network="devnet", owner_address=SENDER, not_before_ms=HEAD_MS)
                for _ in range(each)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(workers) as pool:
        got = [t for batch in pool.map(allocate_many, range(workers)) for t in batch]
    assert sorted(got) == list(range(HEAD_MS, HEAD_MS + workers * each))


@pytest.mark.django_db
def test_the_migration_starts_each_clock_at_the_newest_copy_the_platform_stored() -> None:
    def stored(reference: str, owner: str, timestamps: list[int], origin: str) -> None:
        outgoing = OutgoingTransaction.objects.create(
            network="devnet",
            reference=reference,
            origin=origin,
            contract_type="TransferContract",
            parameters={},
            owner_address=owner,
        )
        for number, timestamp in enumerate(timestamps):
            OutgoingAttempt.objects.create(
                outgoing=outgoing,
                network="devnet",
                txid=f"{reference}:{number}",
                raw_data={"timestamp": timestamp},
                raw_data_hex="",
                signature="",
                expiration_ms=0,
                status="expired",
            )

    stored("a", SENDER, [HEAD_MS, HEAD_MS + 5], OutgoingOrigin.PLATFORM)
    stored("b", SENDER, [HEAD_MS + 2], OutgoingOrigin.PLATFORM)
    # A client's relayed transaction may carry any timestamp; it must not move our clock.
    stored("c", SENDER, [2**63 - 1], OutgoingOrigin.RELAY)
    stored("d", OTHER_SENDER, [2**63 - 1], OutgoingOrigin.RELAY)
    migration = importlib.import_module("lucid_payments.tron.migrations.0004_sender_clock")
    with connection.cursor() as cursor:
        cursor.execute(migration.SEED_FROM_STORED_ATTEMPTS)

    clocks = SenderClock.objects.values_list("network", "owner_address", "last_timestamp_ms")
    assert list(clocks) == [("devnet", SENDER, HEAD_MS + 5)]
    assert timestamp_allocate(network="devnet", owner_address=SENDER, not_before_ms=HEAD_MS) == (
        HEAD_MS + 6
    )
