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
from datetime import date
from typing import Any

CLIENT_NAME = "Soak client"


def _kyc_verified_customer(client: Any) -> int:
    from django.contrib.auth import get_user_model

    from lucid_payments.accounts.kyc_services import KycIdentity, kyc_approve, kyc_submit
    from lucid_payments.accounts.models import KycApplication
    from lucid_payments.accounts.services import customer_create
    from lucid_payments.core.audit import AuditActor

    actor = AuditActor.system("bench.soak")
    customer = customer_create(client=client, external_ref="soak-kyc", actor=actor)
    identity = KycIdentity(
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(1990, 12, 10),
        country="GB",
        document_type=KycApplication.DocumentType.PASSPORT,
        document_number="SOAK1",
    )
    application = kyc_submit(
        customer=customer,
        level=KycApplication.Level.BASIC,
        identity=identity,
        documents=[],
        actor=actor,
    )
    reviewer = get_user_model().objects.create_user("soak-reviewer", is_staff=True)
    kyc_approve(application_id=application.pk, operator=reviewer, reason="soak customer")
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
