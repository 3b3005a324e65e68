"""manage.py import_hot_wallet_key — seal an existing private key as a hot wallet.

The key is read from standard input (typed without echo on a terminal, or piped) or from
a file given with --file; never from the command line, where it would end up in the
shell history and the process list. Accepts 64 hex digits (an optional 0x prefix).
Prints only the new wallet's id and address.

    manage.py import_hot_wallet_key --label payouts < key.txt
    manage.py import_hot_wallet_key --file /run/secrets/hot_key
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lucid_payments.accounts.models import Client
from lucid_payments.core.errors import ApplicationError
from wallets.keystore.redacted import RedactedBytes
from wallets.services import wallet_import_hot_key


def _parse_key(text: str) -> RedactedBytes:
    cleaned = text.strip().removeprefix("0x").removeprefix("0X")
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise CommandError("The key must be 64 hex digits (32 bytes).")  # never echo it
    return RedactedBytes(raw)


class Command(BaseCommand):
    help = (
        "Import a hot-wallet private key (from stdin or --file, never argv); it is sealed "
        "in the keystore at once. Prints the wallet id and address only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="read the key from this file")
        parser.add_argument("--label", default="", help="a name for the wallet")
        parser.add_argument(
            "--client-id", type=int, help="the client owning the wallet (default: the platform)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            try:
                text = options["file"].read_text()
            except OSError as exc:
                raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        elif sys.stdin.isatty():
            text = getpass.getpass("Private key (hex, not echoed): ")
        else:
            text = sys.stdin.read()
        key = _parse_key(text)
        del text

        client = None
        if options["client_id"] is not None:
            client = Client.objects.filter(pk=options["client_id"]).first()
            if client is None:
                raise CommandError(f"There is no client {options['client_id']}.")
        try:
            wallet = wallet_import_hot_key(private_key=key, label=options["label"], client=client)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Imported hot wallet {wallet.pk}: {wallet.address}")
