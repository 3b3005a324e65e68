"""manage.py rotate_master_key — re-wrap every data key under the current master key.

Rotation without downtime:
  1. Generate a key: ``manage.py rotate_master_key --print-new-key`` (or any 32 random
     bytes, base64).
  2. Deploy with LUCID_MASTER_KEY=<new> and LUCID_MASTER_KEYS_RETIRED=<old>: every process
     wraps with the new key and still reads secrets wrapped by the old one.
  3. Run this command. It re-wraps secrets one row at a time (each in its own short
     transaction), so it can be interrupted and run again; it resumes where it stopped.
  4. When ``--check`` reports nothing left, remove the old key from the environment.

Only the small wrapped data keys change; the ciphertexts stay as they are.
Exit status: 0 when every secret is on the current key, 1 otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress

from wallets.errors import KeystoreError
from wallets.keystore.master_keys import generate_master_key_text, get_keyring
from wallets.keystore.services import secret_rewrap, secrets_not_on_current_key


class Command(BaseCommand):
    help = (
        "Re-wrap every sealed secret's data key with the current LUCID_MASTER_KEY "
        "(resumable; older keys must be listed in LUCID_MASTER_KEYS_RETIRED)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only report how many secrets are left"
        )
        parser.add_argument(
            "--print-new-key",
            action="store_true",
            help="print a freshly generated master key (for step 1) and exit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        if options["print_new_key"]:
            self.stdout.write(generate_master_key_text())
            return
        current = get_keyring().current.key_id
        pending = secrets_not_on_current_key()
        if options["check"]:
            console.print(f"{len(pending)} secret(s) not yet on master key {current}.")
            if pending:
                raise CommandError("Rotation is not complete.")
            return

        failed: list[str] = []
        rewrapped = 0
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"Re-wrapping under {current}", total=len(pending))
            for secret_id in pending:
                try:
                    rewrapped += secret_rewrap(secret_id=secret_id)
                except KeystoreError as exc:  # messages carry ids, never key material
                    failed.append(exc.message)
                progress.advance(task)
        console.print(f"Re-wrapped {rewrapped} secret(s) under master key {current}.")
        for message in failed:
            console.print(f"[red]{message}[/red]")
        if failed:
            raise CommandError(f"{len(failed)} secret(s) could not be re-wrapped.")
