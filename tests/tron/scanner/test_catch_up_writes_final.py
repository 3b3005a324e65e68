"""Catching up over blocks the node already has solidified: transfers are written final
in the pass that finds them (one write, no later UPDATE), events still seen then final,
and in bulk for batch subscribers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from lucid_payments.tron import hooks
from lucid_payments.tron.hooks import TransferEvent
from lucid_payments.tron.models import ChainTransfer, ScannedBlock, TransferStatus
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.watch import watch_address
from tests.tron.conftest import SOLID_LAG, DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

WATCHED = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


@pytest.fixture
def event_lists() -> Iterator[list[list[TransferEvent]]]:
    received: list[list[TransferEvent]] = []

    def on_transfers(events: Sequence[TransferEvent]) -> None:
        received.append(list(events))

    hooks.transfer_subscribe_batch(on_transfers)
    try:
        yield received
    finally:
        hooks.transfer_unsubscribe(on_transfers)


def test_transfers_in_already_solid_blocks_are_final_after_one_pass(
    devnet: DevnetHandle,
    transfer_events: list[TransferEvent],
    event_lists: list[list[TransferEvent]],
) -> None:
    watch_address(address=WATCHED, purpose="deposit")
    txids = devnet.faucet(WATCHED, trx=1_000_000, usdt=2_000_000)
    devnet.mine()
    later = devnet.faucet(WATCHED, trx=3_000_000)
    devnet.mine(SOLID_LAG + 2)

    report = scan_once(BlockScanner())

    assert report is not None and report.caught_up
    assert report.finalized == 3
    assert set(ChainTransfer.objects.values_list("txid", "status")) == {
        (txids["trx"], TransferStatus.FINAL),
        (txids["usdt"], TransferStatus.FINAL),
        (later["trx"], TransferStatus.FINAL),
    }
    assert all(t.final_at is not None for t in ChainTransfer.objects.all())
    # Per block: its seen events, then its final ones.
    assert [e.status for e in transfer_events] == [
        "seen",
        "seen",
        "final",
        "final",
        "seen",
        "final",
    ]
    # Batch subscribers get the same events, one list per block.
    assert event_lists == [transfer_events[:4], transfer_events[4:]]
    # Below the solid block no hash is kept; the solid anchor is.
    solid = devnet.status()["solid"]["number"]
    assert not ScannedBlock.objects.filter(number__lt=solid).exists()
    assert ScannedBlock.objects.get(number=solid).solidified

    report = scan_once(BlockScanner())  # nothing new, nothing republished

    assert report is not None and report.recorded == report.finalized == 0
    assert len(transfer_events) == 6


def test_seen_transfers_of_an_earlier_pass_become_final_with_a_solid_batch(
    devnet: DevnetHandle, transfer_events: list[TransferEvent]
) -> None:
    watch_address(address=WATCHED, purpose="deposit")
    scanner = BlockScanner()
    txids = devnet.faucet(WATCHED, usdt=5_000_000)
    devnet.mine()
    scan_once(scanner)
    assert ChainTransfer.objects.get().status == TransferStatus.SEEN

    devnet.mine(SOLID_LAG + 3)
    scan_once(scanner)

    transfer = ChainTransfer.objects.get()
    assert (transfer.txid, transfer.status) == (txids["usdt"], TransferStatus.FINAL)
    assert [e.status for e in transfer_events] == ["seen", "final"]
