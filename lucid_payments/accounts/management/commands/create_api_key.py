"""``manage.py create_api_key --client NAME``: issue an API key and print it once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lucid_payments.accounts.models import Client
from lucid_payments.accounts.scopes import ALL_SCOPES
from lucid_payments.accounts.services import api_key_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create an API key for a client. The key is printed once, alone on stdout (details go "
        "to stderr, so `KEY=$(manage.py create_api_key ...)` works); only its hash is stored, "
        "so it cannot be shown again. Without --scope the key gets every scope."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--client", required=True, help="The client's name, or its numeric id.")
        parser.add_argument("--name", default="", help="A label for operators, e.g. 'prod server'.")
        parser.add_argument(
            "--scope",
            action="append",
            choices=ALL_SCOPES,
            dest="scopes",
            help="A service area the key may call; repeat for several. Default: all of them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = _find_client(options["client"])
        try:
            api_key, plaintext = api_key_create(
                client=client,
                name=options["name"],
                scopes=options["scopes"],
                actor=AuditActor.system("manage.py create_api_key"),
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(
            f"API key {api_key.prefix} for client {client.name!r}, scopes "
            f"{', '.join(api_key.scopes)}. Store it now: it will not be shown again."
        )
        self.stdout.write(plaintext)


def _find_client(reference: str) -> Client:
    query = Client.objects.filter(pk=int(reference)) if reference.isdigit() else None
    client = (query.first() if query is not None else None) or Client.objects.filter(
        name=reference
    ).first()
    if client is None:
        raise CommandError(f"No client {reference!r}; create it with `manage.py create_client`.")
    if not client.is_active:
        raise CommandError(f"Client {client.name!r} is inactive.")
    return client
