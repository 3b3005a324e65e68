"""``manage.py create_client NAME``: register a tenant."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lucid_payments.accounts.services import client_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create a client (tenant) of the platform and print its id. Client names are unique. "
        "Then give it a key with `manage.py create_api_key --client NAME`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="Unique name of the client application, e.g. 'shop'.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = client_create(
                name=options["name"], actor=AuditActor.system("manage.py create_client")
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Created client {client.pk}: {client.name}")
