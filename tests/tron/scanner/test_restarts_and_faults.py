"""The scanner survives being killed mid-batch and a node that answers 503 for a while:
either way it ends with exactly the transfers a clean run records."""

from __future__ import annotations

import pytest

from lucid_payments.tron.adapter.errors import NodeUnavailable
from lucid_payments.tron.models import ChainTransfer, ScanCursor
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.watch import watch_address
from tests.tron.conftest import DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECIPIENTS = [
    "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
    "TVjsyZ7fYF3qLF6BQgPmTEZy1xrNNyVAAA",
    "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL",
]


class Crash(Exception):
    pass


def _chain_with_transfers(devnet: DevnetHandle, blocks: int) -> set[tuple[str, int]]:
    """``blocks`` blocks, each with a TRX and a USDT transfer to a watched address."""
    for address in RECIPIENTS:
        watch_address(address=address, purpose="deposit")
    expected: set[tuple[str, int]] = set()
    for n in range(blocks):
        txids = devnet.faucet(RECIPIENTS[n % len(RECIPIENTS)], trx=1_000_000 + n, usdt=10 + n)
        devnet.mine()
        expected |= {(txids["trx"], 0), (txids["usdt"], 1)}
    return expected


def _recorded() -> set[tuple[str, int]]:
    return set(ChainTransfer.objects.values_list("txid", "index"))


def test_scanner_killed_mid_batch_and_restarted_records_the_same_transfers(
    devnet: DevnetHandle,
) -> None:
    expected = _chain_with_transfers(devnet, blocks=6)
    head = devnet.status()["head"]["number"]
    crash_at = head - 2

    def crash_between_blocks(number: int) -> None:
        if number == crash_at:
            raise Crash(number)

    # First pass: one committed batch of 3 blocks, then a crash inside the next batch.
    crashing = BlockScanner(after_block=crash_between_blocks)
    scan_once(crashing, max_blocks=3)
    committed = ScanCursor.objects.get().block_number
    with pytest.raises(Crash):
        scan_once(crashing)
    assert ScanCursor.objects.get().block_number == committed  # the batch left no trace

    restarted = BlockScanner()
    report = scan_once(restarted)
    assert report is not None and report.caught_up
    assert _recorded() == expected
    assert ChainTransfer.objects.count() == len(expected)


def test_node_answering_503_for_a_while_delays_the_scanner_but_loses_nothing(
    devnet: DevnetHandle,
) -> None:
    expected = _chain_with_transfers(devnet, blocks=3)
    # More failures than one pass retries (6 attempts), so the first passes give up.
    devnet.faults(http_error={"status": 503, "requests": 14})
    scanner = BlockScanner()

    failures = 0
    while True:
        try:
            report = scan_once(scanner)
        except NodeUnavailable:
            failures += 1
            assert failures < 10
            continue
        break

    assert failures >= 2
    assert report is not None and report.caught_up
    assert _recorded() == expected


def test_rate_limiting_429_is_retried_transparently(devnet: DevnetHandle) -> None:
    expected = _chain_with_transfers(devnet, blocks=2)
    devnet.faults(http_error={"status": 429, "requests": 3})

    report = scan_once(BlockScanner())

    assert report is not None and report.caught_up
    assert _recorded() == expected


def test_a_second_scanner_skips_while_the_first_holds_the_lock(devnet: DevnetHandle) -> None:
    _chain_with_transfers(devnet, blocks=1)
    observed: list[object] = []

    def run_another_scanner(number: int) -> None:
        import threading

        def other() -> None:
            from django.db import connection

            try:
                observed.append(scan_once(BlockScanner()))
            finally:
                connection.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()

    scan_once(BlockScanner(after_block=run_another_scanner))

    assert observed and all(result is None for result in observed)
