"""Production refuses to start with debug pages on or with any Host header trusted; it
used to start and only warn in `check --deploy`."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.support import REPO

PRODUCTION = {
    "LUCID_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.wallet_manager",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "LUCID_MASTER_KEY": base64.b64encode(b"\x02" * 32).decode(),
    "ALLOWED_HOSTS": "payments.example.com",
    "DATABASE_URL": "postgres://lucid:pw@db.example.com:5432/lucid",
}


def _start_django(tmp_path: Path, **changes: str) -> subprocess.CompletedProcess[str]:
    env = {
        **PRODUCTION,
        **changes,
        "PATH": os.path.dirname(sys.executable),
        "PYTHONPATH": str(REPO),
        "LUCID_HOME": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "Production refuses DJANGO_DEBUG=true"),
        ({"DJANGO_DEBUG": "1"}, "Production refuses DJANGO_DEBUG=true"),
        ({"ALLOWED_HOSTS": "*"}, "Production refuses ALLOWED_HOSTS=*"),
        ({"ALLOWED_HOSTS": "payments.example.com,*"}, "Production refuses ALLOWED_HOSTS=*"),
    ],
    ids=["debug-true", "debug-1", "any-host", "any-host-among-others"],
)
def test_production_refuses_debug_and_a_wildcard_host(
    tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    result = _start_django(tmp_path, **changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_with_debug_off_and_named_hosts_starts(tmp_path: Path) -> None:
    """So that each refusal above is caused by its one change."""
    result = _start_django(tmp_path, DJANGO_DEBUG="false", ALLOWED_HOSTS=".example.com")
    assert result.returncode == 0, result.stderr


def test_development_still_allows_debug_and_a_wildcard_host(tmp_path: Path) -> None:
    result = _start_django(
        tmp_path, LUCID_ENV="development", DJANGO_DEBUG="true", ALLOWED_HOSTS="*"
    )
    assert result.returncode == 0, result.stderr
