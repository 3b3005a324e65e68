"""The keystore: envelope encryption, master-key rotation, and no plaintext at rest."""

from __future__ import annotations

import base64
import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from tests.wallets.conftest import TEST_MASTER_KEY
from wallets.errors import KeystoreError
from wallets.keystore import master_keys
from wallets.keystore.master_keys import get_keyring, key_id_for, parse_master_key
from wallets.keystore.redacted import RedactedBytes
from wallets.keystore.services import secret_reveal, secret_store, secrets_not_on_current_key
from wallets.models.keystore import SealedSecret, SecretKind

pytestmark = pytest.mark.django_db

PLAINTEXT = bytes.fromhex("5c3a0c2f9be2f1e86c7f2d0f4a1b7e39d1c05a8e22b4f6a0973e1d8c4b5a6f70")
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def _store() -> SealedSecret:
    return secret_store(kind=SecretKind.PRIVATE_KEY, plaintext=RedactedBytes(PLAINTEXT))


def test_a_sealed_secret_opens_to_the_same_bytes() -> None:
    secret = _store()
    secret.refresh_from_db()
    assert secret_reveal(secret).reveal() == PLAINTEXT
    assert secret.master_key_id == key_id_for(base64.b64decode(TEST_MASTER_KEY))


def test_each_secret_gets_its_own_data_key_and_nonce() -> None:
    first, second = _store(), _store()
    assert bytes(first.ciphertext) != bytes(second.ciphertext)
    assert bytes(first.wrapped_key) != bytes(second.wrapped_key)


def test_no_plaintext_in_the_stored_row() -> None:
    secret = _store()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ciphertext, nonce, wrapped_key, wrap_nonce FROM wallets_sealedsecret"
            " WHERE id = %s",
            [secret.pk],
        )
        columns = b"".join(bytes(value) for value in cursor.fetchone())
    assert PLAINTEXT not in columns
    assert PLAINTEXT[:8] not in columns


def test_a_ciphertext_moved_to_another_row_does_not_open() -> None:
    first, second = _store(), _store()
    SealedSecret.objects.filter(pk=second.pk).update(
        ciphertext=first.ciphertext,
        nonce=first.nonce,
        wrapped_key=first.wrapped_key,
        wrap_nonce=first.wrap_nonce,
    )
    second.refresh_from_db()
    with pytest.raises(KeystoreError) as caught:
        secret_reveal(second)
    assert PLAINTEXT.hex() not in str(caught.value)


def test_the_wrong_master_key_refuses_without_revealing_anything(settings) -> None:
    secret = _store()
    settings.LUCID_MASTER_KEY = NEW_KEY  # the old key is not listed as retired
    with pytest.raises(KeystoreError, match="not configured"):
        secret_reveal(secret)


def test_rotation_rewraps_every_secret_and_keeps_them_readable(settings) -> None:
    secrets = [_store() for _ in range(3)]
    settings.LUCID_MASTER_KEY = NEW_KEY
    settings.LUCID_MASTER_KEYS_RETIRED = [TEST_MASTER_KEY]
    new_id = get_keyring().current.key_id
    assert len(secrets_not_on_current_key()) == 3
    # Readable during the rotation through the retired key.
    assert secret_reveal(secrets[0]).reveal() == PLAINTEXT
    ciphertexts = {s.pk: bytes(s.ciphertext) for s in secrets}

    call_command("rotate_master_key", stdout=StringIO())

    settings.LUCID_MASTER_KEYS_RETIRED = []  # the old key is gone now
    for secret in SealedSecret.objects.all():
        assert secret.master_key_id == new_id
        assert bytes(secret.ciphertext) == ciphertexts[secret.pk]  # only the wrap changed
        assert secret_reveal(secret).reveal() == PLAINTEXT
    call_command("rotate_master_key", "--check", stdout=StringIO())


def test_rotation_check_fails_while_secrets_are_left_and_the_run_resumes(settings) -> None:
    _store()
    _store()
    settings.LUCID_MASTER_KEY = NEW_KEY
    settings.LUCID_MASTER_KEYS_RETIRED = [TEST_MASTER_KEY]
    from wallets.keystore.services import secret_rewrap

    secret_rewrap(secret_id=SealedSecret.objects.order_by("id").first().pk)  # interrupted run
    with pytest.raises(CommandError):
        call_command("rotate_master_key", "--check", stdout=StringIO())

    out = StringIO()
    call_command("rotate_master_key", stdout=out)
    assert "Re-wrapped 1 secret(s)" in out.getvalue()


def test_rotation_reports_secrets_under_an_unknown_key(settings) -> None:
    _store()
    settings.LUCID_MASTER_KEY = NEW_KEY  # old key not retired: cannot unwrap
    with pytest.raises(CommandError, match="could not be re-wrapped"):
        call_command("rotate_master_key", stdout=StringIO())


def test_master_keys_must_be_32_bytes_and_errors_do_not_echo_them() -> None:
    bad = base64.b64encode(b"short-key").decode()
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_master_key(bad, source="LUCID_MASTER_KEY")
    assert bad not in str(caught.value)


def test_reprs_never_show_key_material() -> None:
    key = parse_master_key(TEST_MASTER_KEY, source="test")
    secret = RedactedBytes(PLAINTEXT)
    for text in (repr(key), str(key), repr(secret), str(secret), f"{secret}", repr(_store())):
        assert TEST_MASTER_KEY not in text
        assert PLAINTEXT.hex() not in text
        assert "material" not in text


def test_development_generates_a_private_master_key_once(settings, tmp_path: Path, caplog) -> None:
    settings.LUCID_MASTER_KEY = ""
    settings.LUCID_HOME = tmp_path
    first = get_keyring().current

    key_file = tmp_path / "keystore" / "master.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert "generated a development master key" in caplog.text
    master_keys._cache.clear()  # as a fresh process would: read the file again
    assert get_keyring().current.key_id == first.key_id
    assert key_file.read_text().strip() not in caplog.text


def test_production_refuses_to_run_without_a_master_key(settings) -> None:
    settings.LUCID_MASTER_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        get_keyring()
