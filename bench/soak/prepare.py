"""Prepare the soak's fresh database in one Django start-up, before any process runs on it:

    DATABASE_URL=... python -m bench.soak.prepare

migrates, creates the cache table, the soak's client and an API key with every scope,
and prints the key alone on the last line.
"""

from __future__ import annotations

import os

CLIENT_NAME = "Soak client"


def main() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.admin")
    import django

    django.setup()
    from django.core.management import call_command

    from lucid_payments.accounts.services import api_key_create, client_create
    from lucid_payments.core.audit import AuditActor

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    actor = AuditActor.system("bench.soak")
    client = client_create(name=CLIENT_NAME, actor=actor)
    _key, plaintext = api_key_create(client=client, name="soak workload", actor=actor)
    return plaintext


if __name__ == "__main__":
    print(main(), flush=True)
