"""Two workers at once: the row lock and the database rule leave exactly one signed copy;
a subscriber that fails rolls the status change back so nothing is half-recorded."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from django.db import connection

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.transactions import (
    build_raw_data,
    chain_reference,
    sign_raw_data,
)
from lucid_payments.tron.models import OutgoingAttempt, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing import contracts, transitions
from lucid_payments.tron.outgoing.hooks import (
    OutgoingEvent,
    outgoing_subscribe,
    outgoing_unsubscribe,
)
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_different_copies_at_once_store_exactly_one(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    call = contracts.trx_transfer(owner=wallets.sender.address, to=wallets.recipient, amount_sun=5)
    outgoing = outgoing_create(call=call, reference="race", enqueue=False)
    reference = chain_reference(get_node())
    copies = [
        sign_raw_data(
            build_raw_data(
                contract_type=outgoing.contract_type,
                parameters=outgoing.parameters,
                reference=replace(reference, head_timestamp_ms=reference.head_timestamp_ms + i),
            ),
            wallets.sender,
        )
        for i in range(2)
    ]
    assert copies[0].txid != copies[1].txid
    start = threading.Barrier(2)
    results: list[OutgoingAttempt | None] = []

    def worker(index: int) -> None:
        try:
            start.wait()
            results.append(transitions.record_signed(outgoing.pk, copies[index]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r is None for r in results) == [False, True]
    assert OutgoingAttempt.objects.filter(outgoing=outgoing).count() == 1


@pytest.mark.django_db
def test_a_failing_subscriber_rolls_the_status_change_back(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    call = contracts.trx_transfer(owner=wallets.sender.address, to=wallets.recipient, amount_sun=6)
    outgoing = outgoing_create(call=call, reference="hook", enqueue=False)
    outgoing_process(outgoing.pk)
    devnet.mine(1 + SOLID_LAG)

    def refuse_final(event: OutgoingEvent) -> None:
        if event.status == OutgoingStatus.FINAL:
            raise RuntimeError("ledger unavailable")

    outgoing_subscribe(refuse_final)
    try:
        with pytest.raises(RuntimeError):
            outgoing_process(outgoing.pk)
    finally:
        outgoing_unsubscribe(refuse_final)
    assert OutgoingTransaction.objects.get(pk=outgoing.pk).status == OutgoingStatus.BROADCAST
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL
    assert len(transfers_on_chain(devnet, wallets.recipient)) == 1
