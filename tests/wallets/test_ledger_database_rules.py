"""The database itself refuses a broken ledger, whatever code writes to it.

These tests commit for real (transaction=True): the balance trigger is deferred to
COMMIT, which a test wrapped in a rolled-back transaction never reaches.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from lucid_payments.core.money import Asset
from tests.wallets.conftest import next_owner_id
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import JournalEntry, LedgerAccount, Posting

pytestmark = pytest.mark.django_db(transaction=True)


def _customer() -> LedgerOwner:
    return LedgerOwner.customer(next_owner_id(), client_id=1)


def _accounts_with_a_credit() -> tuple[LedgerAccount, LedgerAccount, JournalEntry]:
    owner = _customer()
    entry = ledger_credit(owner=owner, asset=Asset.TRX, amount=1_000, reference=f"dep:{owner.id}")
    customer = LedgerAccount.objects.get(owner_id=owner.id, owner_type=owner.type)
    custody = LedgerAccount.objects.get(owner_type="platform", asset=Asset.TRX, bucket="custody")
    return customer, custody, entry


def test_an_unbalanced_entry_written_with_raw_sql_is_rejected_at_commit() -> None:
    customer, _, _ = _accounts_with_a_credit()
    entries_before = JournalEntry.objects.count()

    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO wallets_journalentry (reference, kind, description, data, created_at)"
                " VALUES ('forged', 'credit', '', '{}', now()) RETURNING id"
            )
            (entry_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO wallets_posting (entry_id, account_id, amount, balance_after)"
                " VALUES (%s, %s, 5000000, 5000000)",
                [entry_id, customer.pk],
            )

    assert JournalEntry.objects.count() == entries_before


def test_legs_in_different_assets_do_not_balance_each_other() -> None:
    customer, _, _ = _accounts_with_a_credit()
    usdt_owner = _customer()
    ledger_credit(owner=usdt_owner, asset=Asset.USDT, amount=1, reference=f"dep:{usdt_owner.id}")
    usdt_account = LedgerAccount.objects.get(owner_id=usdt_owner.id, bucket="available")

    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO wallets_journalentry (reference, kind, description, data, created_at)"
                " VALUES ('cross-asset', 'transfer', '', '{}', now()) RETURNING id"
            )
            (entry_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO wallets_posting (entry_id, account_id, amount, balance_after)"
                " VALUES (%s, %s, 7, 0), (%s, %s, -7, 0)",
                [entry_id, customer.pk, entry_id, usdt_account.pk],
            )


def test_an_entry_without_postings_is_rejected_at_commit() -> None:
    with pytest.raises(IntegrityError, match="no postings"), transaction.atomic():
        JournalEntry.objects.create(reference="empty", kind="credit")
    assert not JournalEntry.objects.filter(reference="empty").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE wallets_posting SET amount = amount * 2",
        "DELETE FROM wallets_posting",
        "UPDATE wallets_journalentry SET description = 'edited'",
        "DELETE FROM wallets_journalentry",
    ],
)
def test_entries_and_postings_are_append_only(statement: str) -> None:
    _accounts_with_a_credit()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert Posting.objects.count() == 2


def test_a_customer_balance_cannot_be_made_negative_behind_the_orm() -> None:
    customer, _, _ = _accounts_with_a_credit()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=customer.pk).update(balance=-1)
    customer.refresh_from_db()
    assert customer.balance == 1_000


def test_a_zero_posting_is_rejected() -> None:
    customer, custody, _ = _accounts_with_a_credit()
    with pytest.raises(IntegrityError), transaction.atomic():
        entry = JournalEntry.objects.create(reference="zero", kind="credit")
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, account=customer, amount=0, balance_after=0),
                Posting(entry=entry, account=custody, amount=0, balance_after=0),
            ]
        )
