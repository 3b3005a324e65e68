"""The real thing: ``manage.py scan`` killed with SIGKILL while it works, then restarted,
ends with exactly the transfers that were sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from lucid_payments.tron.models import ChainTransfer, ScanCursor
from lucid_payments.tron.scanner.record import get_or_create_cursor, no_cursor_block
from lucid_payments.tron.watch import watch_address
from tests.tron.conftest import DevnetHandle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.devnet]

ROOT = Path(__file__).resolve().parents[3]
RECIPIENTS = ["TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "TVjsyZ7fYF3qLF6BQgPmTEZy1xrNNyVAAA"]


def _database_url() -> str:
    db = connection.settings_dict
    # The embedded server is reached through a socket directory given as OPTIONS["host"].
    host = quote(str(db["HOST"] or db["OPTIONS"].get("host", "")), safe="")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f"&port={db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{db['USER']}{password}@/{db['NAME']}?host={host}{port}"


def _start_scanner(devnet: DevnetHandle) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.test",
        "DATABASE_URL": _database_url(),
        "TRON_NETWORK": "devnet",
        "TRON_NODE_URLS": devnet.url,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "scan", "--interval", "0.05", "--max-blocks", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_scan_process_killed_and_restarted_records_exactly_the_sent_transfers(
    devnet: DevnetHandle,
) -> None:
    for address in RECIPIENTS:
        watch_address(address=address, purpose="deposit")
    expected: set[tuple[str, int]] = set()
    for n in range(12):
        txids = devnet.faucet(RECIPIENTS[n % 2], trx=1_000_000 + n, usdt=1 + n)
        devnet.mine()
        expected |= {(txids["trx"], 0), (txids["usdt"], 1)}
    head = devnet.status()["head"]["number"]
    get_or_create_cursor("devnet", no_cursor_block())

    first = _start_scanner(devnet)
    try:
        _wait_for(lambda: ScanCursor.objects.get(network="devnet").block_number > 0)
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=30)

    second = _start_scanner(devnet)
    try:
        _wait_for(lambda: ScanCursor.objects.get(network="devnet").block_number >= head)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0  # SIGTERM is a clean stop

    recorded = list(ChainTransfer.objects.values_list("txid", "index"))
    assert len(recorded) == len(set(recorded))
    assert set(recorded) == expected
