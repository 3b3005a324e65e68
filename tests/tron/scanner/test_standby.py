"""Two ``manage.py scan`` processes on one database: one leads for as long as it runs,
the other stands by (it does not take turns), and takes over when the leader is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from lucid_payments.tron.scanner.lock import scanner_lock_key
from tests.deploy.support import database_url, wait_until
from tests.tron.conftest import DevnetHandle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.devnet]

ROOT = Path(__file__).resolve().parents[3]


def _start_scanner(devnet: DevnetHandle, name: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "TRON_NETWORK": "devnet",
        "TRON_NODE_URLS": devnet.url,
        "PGAPPNAME": name,  # names its database session, so the lock's holder is known
    }
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-u", "manage.py", "scan", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _lock_holder() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 "
            "AND l.objid::bigint = %s AND l.objsubid = 1 "
            # Advisory locks are per database; other databases on the server have scanners.
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [scanner_lock_key("devnet")],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def test_a_second_scanner_stands_by_until_the_leader_dies(
    devnet: DevnetHandle, tmp_path: Path
) -> None:
    # Started together: whichever locks first leads.
    scanners = {name: _start_scanner(devnet, name, tmp_path / f"{name}.log") for name in "ab"}
    try:
        assert wait_until(lambda: _lock_holder() in scanners, timeout_s=30)
        leader = str(_lock_holder())
        (standby,) = set(scanners) - {leader}
        standby_log = tmp_path / f"{standby}.log"
        assert wait_until(
            lambda: "standby: another scanner holds the lock" in standby_log.read_text(),
            timeout_s=30,
        )
        # The leader keeps the lock between its passes: the standby never gets a turn.
        for _ in range(10):
            devnet.mine()
            time.sleep(0.1)
            assert _lock_holder() == leader

        scanners[leader].send_signal(signal.SIGKILL)
        scanners[leader].wait()
        assert wait_until(lambda: _lock_holder() == standby, timeout_s=5)
        assert "active: this scanner holds the lock" in standby_log.read_text()
    finally:
        for process in scanners.values():
            if process.poll() is None:
                process.kill()
                process.wait()
