"""Prepare the soak's fresh database in one Django start-up, before the worker runs on it:

    DATABASE_URL=... python -m bench.soak.prepare

migrates, creates the cache table, the soak's client with an API key of every scope, and
one customer whose KYC an operator approved (the KYC payout route needs one; operators
review KYC in the admin, which the soak does not drive). Prints, alone on the last line,
``{"api_key": ..., "kyc_customer_id": ...}``.
"""

from __future__ import annotations

import json
import os
from typing import Any

CLIENT_NAME = "Soak client"


def _kyc_verified_customer(client: Any) -> int:
    from django.contrib.auth import get_user_model

    from bench.scaleout.kyc import kyc_approved
    from lucid_payments.accounts.services import customer_create
    from lucid_payments.core.audit import AuditActor

    actor = AuditActor.system("bench.soak")
    customer = customer_create(client=client, external_ref="soak-kyc", actor=actor)
    reviewer = get_user_model().objects.create_user("soak-reviewer", is_staff=True)
    kyc_approved(customer, reviewer=reviewer, actor=actor, reason="soak customer")
    return int(customer.pk)


def main() -> dict[str, Any]:
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
    return {"api_key": plaintext, "kyc_customer_id": _kyc_verified_customer(client)}


if __name__ == "__main__":
    print(json.dumps(main()), flush=True)
