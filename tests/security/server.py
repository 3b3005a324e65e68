"""A real gunicorn, started with the project's own configuration, for the security tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from lucid_payments.stack.health import http_status
from tests.deploy.support import REPO, database_url, free_port


@contextmanager
def running_gunicorn(
    *, settings_module: str, home: Path, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run ``-m gunicorn -c python:lucid_payments.gunicorn_conf`` (the command of the image
    and of ``make up``) against the test database; yields its base URL once
    ``/health/live`` answers, and stops it afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(settings.DATABASES["default"]["NAME"]),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "LUCID_HOME": str(home),
        "PROMETHEUS_MULTIPROC_DIR": str(home / "metrics"),
        "PYTHONPATH": str(REPO),
        **(env or {}),
    }
    log = (home / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:lucid_payments.gunicorn_conf",
         "lucid_payments.wsgi:application"],
        env=environment, cwd=home, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while http_status(f"{base_url}/health/live") != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "gunicorn did not come up:\n" + (home / "gunicorn.log").read_text()
                )
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
