"""Give customers of a topology's database an approved KYC verification, so that their
payouts take the ``kyc`` route:

    DATABASE_URL=... python -m bench.scaleout.kyc CUSTOMER_ID [CUSTOMER_ID ...]

Each customer submits an application and a bench operator (not its author, so four eyes
holds) approves it, through the same services as the API and the admin. Submitting over
HTTP would need document uploads, and approving a logged-in admin session: neither is
what the benchmarks measure.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any


def kyc_approved(customer: Any, *, reviewer: Any, actor: Any, reason: str) -> None:
    """Submit an application for ``customer`` (Django set up) and have ``reviewer``, an
    operator who did not write it, approve it."""
    from lucid_payments.accounts.kyc_services import KycIdentity, kyc_approve, kyc_submit
    from lucid_payments.accounts.models import KycApplication

    identity = KycIdentity(
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(1990, 1, 1),
        country="GB",
        document_type=KycApplication.DocumentType.PASSPORT,
        document_number="BENCH1",
    )
    application = kyc_submit(
        customer=customer,
        level=KycApplication.Level.BASIC,
        identity=identity,
        documents=[],
        actor=actor,
    )
    kyc_approve(application_id=application.pk, operator=reviewer, reason=reason)


def main(customer_ids: list[int]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.admin")
    import django

    django.setup()
    from django.contrib.auth.models import User

    from lucid_payments.accounts.models import Customer
    from lucid_payments.core.audit import AuditActor

    reviewer, _ = User.objects.get_or_create(
        username="scale-out-kyc-reviewer", defaults={"is_staff": True}
    )
    actor = AuditActor.system("bench.scaleout")
    for customer in Customer.objects.filter(pk__in=customer_ids):
        kyc_approved(customer, reviewer=reviewer, actor=actor, reason="scale-out run")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]])
