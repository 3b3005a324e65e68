"""ledger_verify: silent success on a sound ledger, non-zero exit on a drifted cache."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit, ledger_hold
from wallets.models.ledger import Bucket, LedgerAccount

pytestmark = pytest.mark.django_db

OWNER = LedgerOwner.customer(7, client_id=1)


def test_a_sound_ledger_verifies() -> None:
    ledger_credit(owner=OWNER, asset=Asset.TRX, amount=9, reference="dep:1")
    ledger_hold(owner=OWNER, asset=Asset.TRX, amount=4, reference="payout:1")
    out = StringIO()

    call_command("ledger_verify", stdout=out)

    assert "Ledger verified: 3 accounts" in out.getvalue()


def test_a_drifted_cached_balance_fails_verification() -> None:
    ledger_credit(owner=OWNER, asset=Asset.TRX, amount=9, reference="dep:1")
    account = LedgerAccount.objects.get(owner_id=OWNER.id, bucket=Bucket.AVAILABLE)
    LedgerAccount.objects.filter(pk=account.pk).update(balance=10)  # the cache drifts
    out = StringIO()

    with pytest.raises(CommandError, match="1 balance mismatch"):
        call_command("ledger_verify", stdout=out)

    assert "customer 7 TRX available" in out.getvalue()
