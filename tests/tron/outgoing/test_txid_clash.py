"""A signed copy that clashes with a transaction already stored for another intent (a
client relayed the same bytes, a copy from before the sender's clock existed) is thrown
away and signed again, never stored twice nor broadcast as the other one; and a
transaction that keeps failing does not stop the sweep for the others."""

from __future__ import annotations

import logging

import pytest

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.transactions import (
    build_raw_data,
    chain_reference,
    sign_raw_data,
)
from lucid_payments.tron.models import (
    OutgoingAttempt,
    OutgoingStatus,
    OutgoingTransaction,
    SenderClock,
)
from lucid_payments.tron.outgoing import contracts, transitions
from lucid_payments.tron.outgoing.hooks import (
    OutgoingEvent,
    outgoing_subscribe,
    outgoing_unsubscribe,
)
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process, outgoing_sweep
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

AMOUNT = 7


def _twins(wallets: Wallets) -> tuple[OutgoingTransaction, OutgoingTransaction]:
    """Two intents with the same sender, recipient and amount."""
    call = contracts.trx_transfer(
        owner=wallets.sender.address, to=wallets.recipient, amount_sun=AMOUNT
    )
    return (
        outgoing_create(call=call, reference="twin:1", enqueue=False),
        outgoing_create(call=call, reference="twin:2", enqueue=False),
    )


def test_a_copy_already_stored_for_another_intent_is_refused_and_nothing_is_stored(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    first, second = _twins(wallets)
    raw_data = build_raw_data(
        contract_type=first.contract_type,
        parameters=first.parameters,
        reference=chain_reference(get_node()),
    )
    copy = sign_raw_data(raw_data, wallets.sender)
    assert transitions.record_signed(first.pk, copy) is not None

    with pytest.raises(transitions.TxidTaken):
        transitions.record_signed(second.pk, copy)
    second.refresh_from_db()
    assert (second.status, second.txid, second.attempt_count) == (OutgoingStatus.PENDING, "", 0)
    assert not OutgoingAttempt.objects.filter(outgoing=second).exists()


def test_a_clashing_copy_is_signed_again_and_both_intents_land(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    first, second = _twins(wallets)
    reference = chain_reference(get_node())
    clash_ms = reference.head_timestamp_ms + 1_000
    # The first intent's copy already uses the timestamp the clock hands out next, as a
    # copy stored before the clock existed (or one a client relayed) would.
    taken = sign_raw_data(
        build_raw_data(
            contract_type=first.contract_type,
            parameters=first.parameters,
            reference=reference,
            timestamp_ms=clash_ms,
        ),
        wallets.sender,
    )
    assert transitions.record_signed(first.pk, taken) is not None
    SenderClock.objects.create(
        network=second.network,
        owner_address=second.owner_address,
        last_timestamp_ms=clash_ms - 1,
    )

    assert outgoing_process(second.pk) == OutgoingStatus.BROADCAST
    second.refresh_from_db()
    assert second.txid != taken.txid
    assert second.attempts.get().raw_data["timestamp"] == clash_ms + 1
    assert outgoing_process(first.pk) == OutgoingStatus.BROADCAST

    devnet.mine(1 + SOLID_LAG)
    assert [outgoing_process(o.pk) for o in (first, second)] == [OutgoingStatus.FINAL] * 2
    assert sorted(transfers_on_chain(devnet, wallets.recipient)) == sorted(
        [taken.txid, second.txid]
    )
    assert trx_balance(wallets.recipient) == 2 * AMOUNT


def test_the_sweep_goes_on_past_a_transaction_that_fails(
    devnet: DevnetHandle, wallets: Wallets, caplog: pytest.LogCaptureFixture
) -> None:
    broken, healthy = _twins(wallets)
    for outgoing in (broken, healthy):
        outgoing_process(outgoing.pk)
    devnet.mine(1 + SOLID_LAG)

    def refuse_broken(event: OutgoingEvent) -> None:
        if event.outgoing_id == broken.pk and event.status == OutgoingStatus.FINAL:
            raise RuntimeError("ledger unavailable")

    outgoing_subscribe(refuse_broken)
    try:
        with caplog.at_level(logging.ERROR, logger="lucid_payments.tron.outgoing.steps"):
            assert outgoing_sweep() == 2
    finally:
        outgoing_unsubscribe(refuse_broken)
    broken.refresh_from_db()
    healthy.refresh_from_db()
    assert (broken.status, healthy.status) == (OutgoingStatus.BROADCAST, OutgoingStatus.FINAL)
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [RuntimeError]

    outgoing_sweep()  # the subscriber is fixed: the next round finishes it
    broken.refresh_from_db()
    assert broken.status == OutgoingStatus.FINAL
