"""The outgoing fault matrix: whatever fails, each transaction lands on chain exactly once.

Every test ends by counting, on the devnet's own chain, the transactions paying the
test's fresh recipient, and by checking the recipient's balance to the SUN.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.transactions import broadcast
from lucid_payments.tron.models import (
    AttemptStatus,
    OutgoingAttempt,
    OutgoingStatus,
    OutgoingTransaction,
)
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.claims import outgoing_claim
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import (
    live_attempt,
    outgoing_broadcast,
    outgoing_process,
    outgoing_sign,
)
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

AMOUNT = 7_654_321
# Two devnet blocks (3 s each): a copy expires after a few mined blocks, not a minute.
SHORT_EXPIRATION_MS = 6_000
BLOCKS_PAST_EXPIRATION = 3 + SOLID_LAG


@pytest.fixture
def outgoing(wallets: Wallets, settings) -> OutgoingTransaction:
    settings.TRON_TX_EXPIRATION_MS = SHORT_EXPIRATION_MS
    call = contracts.trx_transfer(
        owner=wallets.sender.address, to=wallets.recipient, amount_sun=AMOUNT
    )
    return outgoing_create(call=call, reference="matrix", enqueue=False)


def _finish(devnet: DevnetHandle, outgoing: OutgoingTransaction) -> None:
    """Mine and process until the transaction is final (a handful of rounds at most)."""
    for _ in range(5):
        if outgoing_process(outgoing.pk) == OutgoingStatus.FINAL:
            return
        devnet.mine(1 + SOLID_LAG)
    outgoing.refresh_from_db()
    pytest.fail(f"not final: {outgoing.status} {outgoing.failure_code} {outgoing.failure_message}")


def _assert_on_chain_exactly_once(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingStatus.FINAL
    assert transfers_on_chain(devnet, wallets.recipient) == [outgoing.txid]
    assert trx_balance(wallets.recipient) == AMOUNT
    assert outgoing.attempts.filter(status=AttemptStatus.FINAL).count() == 1


def test_dropped_broadcast_is_sent_again_with_the_same_txid(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    devnet.faults(drop_broadcasts=1)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.BROADCAST  # the node lied
    first_txid = OutgoingTransaction.objects.get(pk=outgoing.pk).txid
    devnet.mine()  # an empty block: the transaction was never in the pool
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.txid == first_txid and outgoing.attempts.count() == 1


def test_dropped_broadcast_that_expires_is_rebuilt_once_solid_chain_passes_expiration(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    devnet.faults(drop_broadcasts=1)
    outgoing_process(outgoing.pk)
    dead_txid = OutgoingTransaction.objects.get(pk=outgoing.pk).txid
    devnet.mine(BLOCKS_PAST_EXPIRATION)
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.txid != dead_txid
    assert list(outgoing.attempts.order_by("id").values_list("status", flat=True)) == [
        AttemptStatus.EXPIRED,
        AttemptStatus.FINAL,
    ]


def test_copy_is_not_rebuilt_while_the_solid_chain_has_not_passed_its_expiration(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    devnet.faults(drop_broadcasts=10)  # every re-send is lost too
    outgoing_process(outgoing.pk)
    # Past expiration at the head, but the solid chain still lags behind it.
    devnet.mine(3)
    outgoing_process(outgoing.pk)
    assert outgoing.attempts.count() == 1
    assert live_attempt(outgoing.pk) is not None
    devnet.clear_faults()
    devnet.mine(SOLID_LAG)
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)


def test_server_busy_is_retried_until_the_node_takes_it(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    devnet.faults(server_busy=3)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.BROADCAST
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)


def test_server_busy_beyond_all_retries_leaves_the_stored_copy_for_later(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    devnet.faults(server_busy=100)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.SIGNED
    stored = live_attempt(outgoing.pk)
    assert stored is not None and stored.status == AttemptStatus.SIGNED
    devnet.clear_faults()
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.txid == stored.txid


def test_node_answering_503_for_a_while_delays_but_sends_once(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    devnet.faults(http_error={"status": 503, "requests": 20})
    for _ in range(4):  # each run spends a few requests, then gives up politely
        outgoing_process(outgoing.pk)
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)


def test_worker_killed_between_sign_and_broadcast_sends_the_stored_copy(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    stored = outgoing_sign(outgoing.pk, node=get_node())  # ...and the worker dies here
    assert stored is not None and stored.broadcast_count == 0
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.txid == stored.txid and outgoing.attempts.count() == 1


def test_worker_killed_before_broadcast_long_enough_for_expiry_rebuilds_once(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    stored = outgoing_sign(outgoing.pk, node=get_node())
    assert stored is not None
    devnet.mine(BLOCKS_PAST_EXPIRATION)
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.txid != stored.txid and outgoing.attempts.count() == 2


def test_worker_killed_after_broadcast_before_recording_it(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    stored = outgoing_sign(outgoing.pk, node=get_node())
    assert stored is not None
    assert broadcast(get_node(), stored.signed_transaction()).accepted  # never recorded
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.attempts.get().last_node_code in ("", "DUP_TRANSACTION_ERROR")


def test_worker_killed_holding_the_claim_delays_the_row_by_one_lease(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    now = timezone.now()
    assert outgoing_claim(outgoing.pk, now=now) is not None  # the dead worker's claim
    assert outgoing_process(outgoing.pk, clock=lambda: now) == "busy"
    later = now + timedelta(minutes=5)
    assert outgoing_process(outgoing.pk, clock=lambda: later) == OutgoingStatus.BROADCAST
    devnet.mine(1 + SOLID_LAG)
    assert outgoing_process(outgoing.pk, clock=lambda: later) == OutgoingStatus.FINAL
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)


def test_duplicates_everywhere_still_send_once(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    again = contracts.trx_transfer(
        owner=wallets.sender.address, to=wallets.recipient, amount_sun=AMOUNT
    )
    assert outgoing_create(call=again, reference="matrix", enqueue=False).pk == outgoing.pk
    outgoing_process(outgoing.pk)
    outgoing_process(outgoing.pk)
    second = outgoing_broadcast(outgoing.pk, node=get_node(), now=timezone.now())
    assert second is not None and second.accepted and second.duplicate
    _finish(devnet, outgoing)
    outgoing_process(outgoing.pk)  # a late duplicate task after final does nothing
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)


def test_fork_that_drops_the_block_resends_the_same_copy(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction, outgoing_events: list
) -> None:
    outgoing_process(outgoing.pk)
    devnet.mine()
    assert outgoing_process(outgoing.pk) == OutgoingStatus.CONFIRMED
    txid = OutgoingTransaction.objects.get(pk=outgoing.pk).txid
    devnet.fork(1)  # the block holding it is gone, and so is the transaction
    assert transfers_on_chain(devnet, wallets.recipient) == []
    assert outgoing_process(outgoing.pk) == OutgoingStatus.BROADCAST
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
    assert outgoing.txid == txid
    assert "broadcast" in [e.status for e in outgoing_events if e.previous_status == "confirmed"]


def test_a_second_copy_cannot_be_stored_while_one_is_live(
    devnet: DevnetHandle, wallets: Wallets, outgoing: OutgoingTransaction
) -> None:
    node = get_node()
    first = outgoing_sign(outgoing.pk, node=node)
    assert first is not None
    assert outgoing_sign(outgoing.pk, node=node) is None  # not PENDING any more
    # Even a buggy caller that skips the checks meets the database rule.
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingAttempt.objects.create(
            outgoing=outgoing,
            network=first.network,
            txid="ab" * 32,
            raw_data=first.raw_data,
            raw_data_hex=first.raw_data_hex,
            signature=first.signature,
            expiration_ms=first.expiration_ms,
        )
    _finish(devnet, outgoing)
    _assert_on_chain_exactly_once(devnet, wallets, outgoing)
