from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lucid_payments.accounts.api_keys import hash_api_key, looks_like_api_key
from lucid_payments.accounts.models import ApiKey, Client

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_client_then_a_key_printed_once_alone_on_stdout() -> None:
    out, _ = _run("create_client", "shop")
    client = Client.objects.get(name="shop")
    assert f"Created client {client.pk}: shop" in out

    key_out, key_err = _run(
        "create_api_key", "--client", "shop", "--name", "web", "--scope", "payouts"
    )
    plaintext = key_out.strip()
    assert looks_like_api_key(plaintext)
    api_key = ApiKey.objects.get(client=client)
    assert api_key.key_hash == hash_api_key(plaintext) and api_key.scopes == ["payouts"]
    assert api_key.prefix in key_err and plaintext not in key_err
    assert "will not be shown again" in key_err


def test_create_api_key_finds_the_client_by_id_and_defaults_to_all_scopes() -> None:
    _run("create_client", "by-id")
    client = Client.objects.get(name="by-id")
    _run("create_api_key", "--client", str(client.pk))
    assert len(ApiKey.objects.get(client=client).scopes) == 6


def test_commands_fail_clearly() -> None:
    _run("create_client", "dup")
    with pytest.raises(CommandError, match="exists"):
        _run("create_client", "dup")
    with pytest.raises(CommandError, match="No client 'ghost'"):
        _run("create_api_key", "--client", "ghost")
    with pytest.raises(CommandError, match="invalid choice"):
        _run("create_api_key", "--client", "dup", "--scope", "root")


@pytest.mark.parametrize("command", ["create_client", "create_api_key"])
def test_help_explains_the_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command(command, "--help")
    text = capsys.readouterr().out
    assert "usage:" in text
    assert ("printed once" in text) if command == "create_api_key" else ("tenant" in text)
