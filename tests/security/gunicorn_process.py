"""One service under gunicorn, started the way the image starts it, for tests that are
about what the real server does (its access log, its headers, its answer to big bodies)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.deploy.support import REPO, database_url, free_port, wait_until

GUNICORN_COMMAND = [
    sys.executable, "-m", "gunicorn",
    "--config", "python:lucid_payments.gunicorn_conf",
    "lucid_payments.wsgi:application",
]  # fmt: skip


@dataclass(frozen=True)
class GunicornService:
    base_url: str
    access_log: Path
    error_log: Path

    def access_log_text(self) -> str:
        return self.access_log.read_text() if self.access_log.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def gunicorn_service(
    settings_module: str, home: Path, env: Mapping[str, str] | None = None
) -> Iterator[GunicornService]:
    """Run ``settings_module`` under gunicorn on a free port, against the test database
    (only committed rows are visible to it), with its access log in a file under ``home``;
    ``env`` overrides the environment (one worker by default, as ``make up`` runs it)."""
    port = free_port()
    access_log, error_log = home / "access.log", home / "error.log"
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),  # this checkout, not whatever the virtualenv points at
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(settings.DATABASES["default"]["NAME"]),
        "LUCID_HOME": str(home),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "LUCID_ENV": "development",
        **(env or {}),
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with error_log.open("w") as errors:
        process = subprocess.Popen(
            GUNICORN_COMMAND, env=environment, cwd=home, stdout=errors, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: _answers(f"{base_url}/health/live"), timeout_s=60):
            raise RuntimeError(f"gunicorn did not start: {error_log.read_text()}")
        yield GunicornService(base_url=base_url, access_log=access_log, error_log=error_log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
