"""import_hot_wallet_key reads the key from stdin or a file and never prints it."""

from __future__ import annotations

import io
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wallets.models.wallets import KeySource, Wallet

pytestmark = pytest.mark.django_db

KEY_HEX = "8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63"


def test_import_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEY_HEX + "\n"))
    out = StringIO()

    call_command("import_hot_wallet_key", "--label", "payouts", stdout=out)

    wallet = Wallet.objects.get()
    assert wallet.key_source == KeySource.IMPORTED and wallet.label == "payouts"
    assert out.getvalue().strip() == f"Imported hot wallet {wallet.pk}: {wallet.address}"
    assert KEY_HEX not in out.getvalue()


def test_import_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("0x" + KEY_HEX)

    call_command("import_hot_wallet_key", "--file", str(key_file), stdout=StringIO())

    assert Wallet.objects.filter(key_source=KeySource.IMPORTED).count() == 1


def test_a_malformed_key_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEY_HEX[:-2]))
    with pytest.raises(CommandError) as caught:
        call_command("import_hot_wallet_key", stdout=StringIO())
    assert KEY_HEX[:16] not in str(caught.value)
    assert not Wallet.objects.exists()


def test_the_key_is_not_accepted_as_an_argument() -> None:
    with pytest.raises(CommandError):
        call_command("import_hot_wallet_key", KEY_HEX, stdout=StringIO())
