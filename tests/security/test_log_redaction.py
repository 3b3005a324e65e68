"""A credential in a URL is never written to a log in clear, and a key sent in the URL is
refused, through the real server: gunicorn's access log and Django's request log."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from lucid_payments.accounts.api_keys import new_api_key
from lucid_payments.core.log_redaction import REDACTED, redact_credentials
from tests.deploy.support import wait_until
from tests.security.gunicorn_process import GunicornService, gunicorn_service


@pytest.fixture(scope="module")
def wallet_manager(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GunicornService]:
    with gunicorn_service(
        "lucid_payments.settings.wallet_manager", tmp_path_factory.mktemp("wallet-manager")
    ) as service:
        yield service


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _logged(path: Path, marker: str) -> str:
    """The log's text once ``marker`` (a request's unique path) has been written to it."""
    assert wait_until(lambda: path.exists() and marker in path.read_text(), timeout_s=10), (
        f"{marker} never reached {path}"
    )
    return path.read_text()


def test_a_key_in_the_query_string_is_not_in_the_access_log(
    wallet_manager: GunicornService,
) -> None:
    _, api_key = new_api_key()
    marker = f"probe-{secrets.token_hex(4)}"
    status, _ = _get(f"{wallet_manager.base_url}/api/v1/wallets?marker={marker}&api_key={api_key}")

    assert status == 401
    log = _logged(wallet_manager.access_log, marker)
    assert api_key not in log
    prefix, secret_part = api_key[:16], api_key[17:]  # lp_test_0123abcd _ secret
    assert secret_part not in log
    assert prefix not in log  # the whole value is redacted, prefix and all
    (line,) = [line for line in log.splitlines() if marker in line]
    assert f"/api/v1/wallets?marker={marker}&api_key={REDACTED}" in line
    assert " 401 " in line


@pytest.mark.parametrize("name", ["key", "token", "access_token", "X-Api-Key", "secret"])
def test_any_credential_parameter_is_redacted_in_the_access_log(
    wallet_manager: GunicornService, name: str
) -> None:
    value = secrets.token_urlsafe(24)
    marker = f"probe-{secrets.token_hex(4)}"
    _get(f"{wallet_manager.base_url}/health/live?{name}={value}&marker={marker}")
    log = _logged(wallet_manager.access_log, marker)
    assert value not in log
    assert f"{name}={REDACTED}&marker={marker}" in log


def test_a_key_in_the_url_is_refused_even_with_the_right_header(
    wallet_manager: GunicornService,
) -> None:
    _, api_key = new_api_key()
    status, body = _get(
        f"{wallet_manager.base_url}/api/v1/wallets?api_key={api_key}",
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert status == 401
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "not_authenticated"
    assert "Authorization header" in error["message"]


def test_djangos_request_log_redacts_a_key_in_the_path(wallet_manager: GunicornService) -> None:
    """Django logs a 404's path ("Not Found: …") through our logging settings."""
    _, api_key = new_api_key()
    status, _ = _get(f"{wallet_manager.base_url}/api/v1/{api_key}")
    assert status == 404
    prefix = api_key[:16]  # kept, so that operators can tell which key leaked
    log = _logged(wallet_manager.error_log, f"Not Found: /api/v1/{prefix}_{REDACTED}")
    assert api_key not in log


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("GET /a?limit=5&offset=10 HTTP/1.1", "GET /a?limit=5&offset=10 HTTP/1.1"),
        ("key=abc&x=1", f"key={REDACTED}&x=1"),
        ("/a?Token=abc;def&x=1", f"/a?Token={REDACTED}&x=1"),
        ("/a?password=p%26q#top", f"/a?password={REDACTED}#top"),
        ("Bearer lp_test_0123abcd_" + "x" * 43, f"Bearer lp_test_0123abcd_{REDACTED}"),
    ],
)
def test_redaction_keeps_what_is_not_a_credential(text: str, redacted: str) -> None:
    assert redact_credentials(text) == redacted
