"""Reads from the ledger: balances per owner and the entries a tenant may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.models.ledger import Bucket, JournalEntry, LedgerAccount


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


def entries_visible_to_client(*, client_id: int) -> QuerySet[JournalEntry]:
    """Entries with at least one posting on an account of the client or its customers.

    Only those postings are shown to the client (see ``postings_visible_to_client``); the
    platform side of an entry is not the client's business.
    """
    return (
        JournalEntry.objects.filter(postings__account__client_id=client_id)
        .distinct()
        .order_by("-id")
    )


def entry_filter_for_owner(owner: LedgerOwner) -> Q:
    return Q(postings__account__owner_type=owner.type, postings__account__owner_id=owner.id)
