"""Rescans are idempotent and backfill addresses watched after their blocks passed."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lucid_payments.tron.hooks import TransferEvent
from lucid_payments.tron.models import ChainTransfer, TransferStatus
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.scanner.rescan import rescan_range
from lucid_payments.tron.watch import watch_address
from tests.tron.conftest import SOLID_LAG, DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

WATCHED = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
LATE = "TVjsyZ7fYF3qLF6BQgPmTEZy1xrNNyVAAA"


def _snapshot() -> list[tuple[str, int, str, str, int]]:
    return list(
        ChainTransfer.objects.order_by("txid", "index").values_list(
            "txid", "index", "status", "block_id", "amount"
        )
    )


def test_rescan_twice_changes_nothing_and_publishes_nothing(
    devnet: DevnetHandle, transfer_events: list[TransferEvent]
) -> None:
    watch_address(address=WATCHED, purpose="deposit")
    devnet.faucet(WATCHED, trx=2_000_000, usdt=3_000_000)
    devnet.mine()
    devnet.faucet(WATCHED, trx=4_000_000)
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())
    before, events_before = _snapshot(), len(transfer_events)
    head = devnet.status()["head"]["number"]

    first = rescan_range(first=0, last=head)
    second = rescan_range(first=0, last=head)

    assert _snapshot() == before
    assert len(before) == 3
    assert first.recorded == second.recorded == 0
    assert len(transfer_events) == events_before


def test_rescan_records_an_address_watched_after_its_block_was_scanned(
    devnet: DevnetHandle, transfer_events: list[TransferEvent]
) -> None:
    txid = devnet.faucet(LATE, usdt=9_000_000)["usdt"]
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())
    assert not ChainTransfer.objects.exists()

    watch_address(address=LATE, purpose="deposit")
    call_command("rescan", "--from", "0", "--to", "1000", stdout=StringIO())

    transfer = ChainTransfer.objects.get()
    assert (transfer.txid, transfer.amount, transfer.to_address) == (txid, 9_000_000, LATE)
    assert transfer.status == TransferStatus.FINAL  # its block was already solid
    assert [e.status for e in transfer_events] == ["seen", "final"]


def test_rescan_before_the_scanner_ran_is_refused(devnet: DevnetHandle) -> None:
    with pytest.raises(CommandError, match="not reached"):
        call_command("rescan", "--from", "0", "--to", "5", stdout=StringIO())


def test_chain_status_reports_cursor_and_lag(devnet: DevnetHandle) -> None:
    devnet.mine(5)
    scan_once(BlockScanner())
    devnet.mine(2)
    out = StringIO()

    call_command("chain_status", "--json", stdout=out)

    status = json.loads(out.getvalue())
    assert status["head"] == status["scanner_cursor"] + 2
    assert status["scanner_lag"] == 2
    assert status["solid_lag"] == SOLID_LAG


def test_scan_command_runs_one_pass(devnet: DevnetHandle) -> None:
    watch_address(address=WATCHED, purpose="deposit")
    devnet.faucet(WATCHED, trx=1_000_000)
    devnet.mine()
    out = StringIO()

    call_command("scan", "--once", stdout=out)

    assert ChainTransfer.objects.count() == 1
    assert "scanner stopped" in out.getvalue()
