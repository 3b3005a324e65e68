"""Prepare the shared database of a topology, in one Django start-up:

    DATABASE_URL=... python -m bench.scaleout.prepare "Client name"

migrates it, creates the cache table, a client and an API key with every scope, and
prints the key (alone, on the last line). The topology's processes are then started on
a database that is ready, as an operator's deployment runs ``migrate`` once before
starting its copies.
"""

from __future__ import annotations

import os
import sys


def main(client_name: str) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.admin")
    import django

    django.setup()
    from django.core.management import call_command

    from lucid_payments.accounts.services import api_key_create, client_create
    from lucid_payments.core.audit import AuditActor

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    actor = AuditActor.system("bench.scaleout")
    client = client_create(name=client_name, actor=actor)
    _key, plaintext = api_key_create(client=client, name="scale-out workload", actor=actor)
    return plaintext


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else "Scale-out client"), flush=True)
