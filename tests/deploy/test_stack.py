"""`manage.py up` end to end: a fresh database, every process answering, the banner, and
one SIGINT (what Ctrl-C sends) leaving no process behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from lucid_payments.stack.health import http_status
from lucid_payments.stack.processes import devnet_available
from lucid_payments.stack.services import DEVNET_PORT, SERVICES
from tests.deploy.support import (
    REPO,
    descendants,
    free_port_offset,
    kill_all,
    port_is_free,
    scratch_database,
    still_running,
    wait_until,
)

pytestmark = [pytest.mark.heavy(minutes=1), pytest.mark.timeout(180)]


class _Output:
    """Collects the runner's output and notices the end of the banner."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.banner_done = threading.Event()
        self.closed = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))
            if "Press Ctrl-C to stop everything" in line:
                self.banner_done.set()
        self.closed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _get(url: str, key: str | None = None) -> int:
    request = urllib.request.Request(url)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _runner_env(home: Path, database_url: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL_FILE", "TRON_NODE_URL", "TRON_NODE_URLS", "REDIS_URL"}
        and not name.startswith(("LUCID_", "GUNICORN_", "PYTEST_"))
    }
    env.update(
        LUCID_HOME=str(home),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="lucid_payments.settings.admin",
        TRON_NETWORK="devnet",
        LUCID_ENV="development",
    )
    return env


def test_up_serves_every_process_prints_the_banner_and_ctrl_c_stops_them_all(
    tmp_path: Path,
) -> None:
    offset = free_port_offset([service.port for service in SERVICES] + [DEVNET_PORT])

    def url(port: int) -> str:
        return f"http://127.0.0.1:{port + offset}"

    with scratch_database("lucid_stack") as database_url:
        runner = subprocess.Popen(
            [sys.executable, "manage.py", "up", "--port-offset", str(offset)],
            cwd=REPO,
            env=_runner_env(tmp_path / "home", database_url),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = _Output(runner)
        children = []
        try:
            assert output.banner_done.wait(120), output.text
            children = descendants(runner.pid)

            for service in SERVICES:
                live = f"{url(service.port)}/health/live"
                with urllib.request.urlopen(live, timeout=5) as response:
                    assert response.status == 200
                    assert json.load(response)["service"] == service.name
                assert url(service.port) in output.text
            assert "user admin / password admin" in output.text
            assert f"{url(8098)}/admin/" in output.text
            # collectstatic ran and WhiteNoise serves the admin's styles.
            assert _get(f"{url(8098)}/static/admin/css/base.css") == 200

            if devnet_available():
                assert http_status(f"{url(DEVNET_PORT)}/wallet/getnodeinfo") == 200
                assert f"{url(DEVNET_PORT)}/devnet/accounts" in output.text
            else:
                assert "NOT AVAILABLE" in output.text

            # The demo key printed in the banner authenticates against the real process.
            match = re.search(r"shown once\): (\S+)", output.text)
            assert match, output.text
            customers = f"{url(8092)}/api/v1/customers/999999999"
            assert _get(customers) == 401
            assert _get(customers, key=match.group(1)) == 404

            # The one worker and seven gunicorn masters (each with its worker), the devnet.
            names = " ".join(" ".join(child.cmdline()) for child in children)
            assert names.count("gunicorn") >= 2 * len(SERVICES)
            assert "qcluster" in names
            assert "django scan" in names  # the low-latency chain watcher

            # A crash is reported and the process comes back on its own.
            tron_client = url(8091)
            (master,) = [
                child
                for child in children
                if child.ppid() == runner.pid and tron_client[7:] in " ".join(child.cmdline())
            ]
            master.kill()
            assert wait_until(
                lambda: "restarting tron-client (restart #1)" in output.text, timeout_s=30
            )
            assert wait_until(
                lambda: http_status(f"{tron_client}/health/live") == 200, timeout_s=60
            )
            assert "tron-client exited with code -9" in output.text
            children = descendants(runner.pid)

            runner.send_signal(signal.SIGINT)
            assert runner.wait(timeout=90) == 0
            assert output.closed.wait(10)
        finally:
            if runner.poll() is None:
                kill_all(descendants(runner.pid))
                runner.kill()
                runner.wait()

    assert still_running(children) == [], output.text
    assert "up: stopped" in output.text
    assert all(port_is_free(service.port + offset) for service in SERVICES)
