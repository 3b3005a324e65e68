"""Reads from the ledger: balances per owner and the entries a tenant may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.models.ledger import Bucket, JournalEntry, LedgerAccount, OwnerType, Posting


@dataclass(frozen=True)
class AssetBalance:
    asset: Asset
    available: int
    held: int


def owner_balances(*, owner: LedgerOwner) -> list[AssetBalance]:
    """Available and held balance per asset (every asset listed, zero if never used)."""
    amounts: dict[tuple[str, str], int] = {
        (account.asset, account.bucket): account.balance
        for account in LedgerAccount.objects.filter(owner_type=owner.type, owner_id=owner.id)
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
