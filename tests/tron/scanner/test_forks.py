"""Forks: a transfer whose block is replaced is dropped and never becomes final; the
same transaction included again is seen again in its new block."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lucid_payments.tron.hooks import TransferEvent
from lucid_payments.tron.models import ChainTransfer, ScanCursor, TransferStatus
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.watch import watch_address
from tests.tron.conftest import SOLID_LAG, DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def _signed_transaction(devnet: DevnetHandle, txid: str) -> dict[str, Any]:
    response = httpx.post(f"{devnet.url}/wallet/gettransactionbyid", json={"value": txid})
    body = response.json()
    assert body["txID"] == txid
    return {k: body[k] for k in ("txID", "raw_data", "raw_data_hex", "signature")}


def test_fork_drops_an_unsolidified_transfer_and_it_never_becomes_final(
    devnet: DevnetHandle, transfer_events: list[TransferEvent]
) -> None:
    watch_address(address=RECIPIENT, purpose="deposit")
    scanner = BlockScanner()
    devnet.mine(SOLID_LAG)  # some history below the fork point
    txid = devnet.faucet(RECIPIENT, trx=7_000_000)["trx"]
    forked_block = devnet.mine()["head"]
    scan_once(scanner)
    assert ChainTransfer.objects.get().status == TransferStatus.SEEN

    devnet.fork(1)
    devnet.mine(2)  # the replacement chain is longer, without the transfer
    report = scan_once(scanner)

    assert report is not None and report.dropped == 1
    transfer = ChainTransfer.objects.get()
    assert (transfer.txid, transfer.status) == (txid, TransferStatus.DROPPED)
    cursor = ScanCursor.objects.get()
    assert cursor.block_id == devnet.status()["head"]["id"] != forked_block["id"]

    devnet.mine(SOLID_LAG + 2)
    scan_once(scanner)
    assert ChainTransfer.objects.get().status == TransferStatus.DROPPED
    assert [e.status for e in transfer_events] == ["seen", "dropped"]


def test_fork_to_a_chain_of_equal_length_is_noticed_at_the_head(devnet: DevnetHandle) -> None:
    watch_address(address=RECIPIENT, purpose="deposit")
    scanner = BlockScanner()
    devnet.mine(SOLID_LAG)
    devnet.faucet(RECIPIENT, trx=1_000_000)
    devnet.mine()
    scan_once(scanner)

    devnet.fork(1)
    devnet.mine(1)  # same height, different block
    scan_once(scanner)

    assert ChainTransfer.objects.get().status == TransferStatus.DROPPED


def test_a_transaction_included_again_after_a_fork_is_seen_again_then_final(
    devnet: DevnetHandle, transfer_events: list[TransferEvent]
) -> None:
    watch_address(address=RECIPIENT, purpose="deposit")
    scanner = BlockScanner()
    devnet.mine(SOLID_LAG)
    txid = devnet.faucet(RECIPIENT, trx=3_000_000)["trx"]
    devnet.mine()
    scan_once(scanner)
    signed = _signed_transaction(devnet, txid)
    first_block_id = ChainTransfer.objects.get().block_id

    devnet.fork(1)
    devnet.mine()
    scan_once(scanner)
    assert ChainTransfer.objects.get().status == TransferStatus.DROPPED
    accepted = httpx.post(f"{devnet.url}/wallet/broadcasttransaction", json=signed).json()
    assert accepted.get("result") is True, accepted
    devnet.mine()
    scan_once(scanner)

    transfer = ChainTransfer.objects.get()
    assert transfer.status == TransferStatus.SEEN
    assert transfer.block_id != first_block_id
    devnet.mine(SOLID_LAG)
    scan_once(scanner)
    assert ChainTransfer.objects.get().status == TransferStatus.FINAL
    assert [e.status for e in transfer_events] == ["seen", "dropped", "seen", "final"]
    assert transfer_events[-1].block_id == transfer.block_id
