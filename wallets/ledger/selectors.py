"""Reads from the ledger: balances per owner and the entries a tenant may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Prefetch, QuerySet

from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.models.ledger import Bucket, JournalEntry, LedgerAccount, OwnerType, Posting


@dataclass(frozen=True)
class AssetBalance:
    asset: Asset
    available: int
    held: int


# Every balances request reads this: a written-out statement returning three columns, not the
# ORM building a query and model instances each time.
_OWNER_BALANCES_SQL = (
    "SELECT asset, bucket, balance FROM wallets_ledgeraccount "
    "WHERE owner_type = %s AND owner_id = %s"
)


def owner_balances(*, owner: LedgerOwner) -> list[AssetBalance]:
    """Available and held balance per asset (every asset listed, zero if never used)."""
    with connection.cursor() as cursor:
        cursor.execute(_OWNER_BALANCES_SQL, [str(owner.type), owner.id])
        amounts: dict[tuple[str, str], int] = {
            (asset, bucket): balance for asset, bucket, balance in cursor.fetchall()
        }
    return [
        AssetBalance(
            asset=asset,
            available=amounts.get((asset, Bucket.AVAILABLE), 0),
            held=amounts.get((asset, Bucket.HELD), 0),
        )
        for asset in Asset
    ]


def owner_available(*, owner: LedgerOwner, asset: Asset) -> int:
    account = LedgerAccount.objects.filter(
        owner_type=owner.type, owner_id=owner.id, asset=asset, bucket=Bucket.AVAILABLE
    ).first()
    return account.balance if account else 0


def ledger_entries_for_client(
    *,
    client_id: int,
    asset: str | None = None,
    kind: str | None = None,
    customer_id: int | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> QuerySet[JournalEntry]:
    """Entries touching the client's or its customers' accounts, newest first, each with
    ``visible_postings``: only the postings on those accounts."""
    postings = Posting.objects.filter(account__client_id=client_id)
    if customer_id is not None:
        postings = postings.filter(
            account__owner_type=OwnerType.CUSTOMER, account__owner_id=customer_id
        )
    if asset:
        postings = postings.filter(account__asset=asset)
    entries = JournalEntry.objects.filter(pk__in=postings.values("entry_id"))
    if kind:
        entries = entries.filter(kind=kind)
    if created_after:
        entries = entries.filter(created_at__gte=created_after)
    if created_before:
        entries = entries.filter(created_at__lt=created_before)
    return entries.order_by("-id").prefetch_related(
        Prefetch(
            "postings",
            queryset=postings.select_related("account").order_by("id"),
            to_attr="visible_postings",
        )
    )
