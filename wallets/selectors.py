"""Reads for wallets, always scoped to the calling client (no cross-tenant reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from lucid_payments.accounts.models import Client
from lucid_payments.core.errors import InvalidInput, NotFound
from wallets.models.ledger_transfers import LedgerTransfer
from wallets.models.wallets import Wallet


def wallet_list(*, client: Client) -> QuerySet[Wallet]:
    return Wallet.objects.filter(client=client).order_by("id")


def wallet_get(*, client: Client, wallet_id: int) -> Wallet:
    wallet = Wallet.objects.filter(client=client, pk=wallet_id).first()
    if wallet is None:
        raise NotFound("No such wallet.", code="wallet_not_found")
    return wallet


def ledger_transfer_get(*, client: Client, transfer_id: str) -> LedgerTransfer:
    """The client's book transfer by its public id; another client's is "not found"."""
    transfer = LedgerTransfer.objects.filter(client=client, public_id=transfer_id).first()
    if transfer is None:
        raise NotFound("No such ledger transfer.", code="ledger_transfer_not_found")
    return transfer


@dataclass(frozen=True)
class LedgerTransferPage:
    transfers: list[LedgerTransfer]
    has_more: bool


def ledger_transfer_page(
    *,
    client: Client,
    limit: int,
    asset: str | None = None,
    customer_id: int | None = None,
    reference: str | None = None,
    created_gte: datetime | None = None,
    created_lt: datetime | None = None,
    starting_after: str | None = None,
) -> LedgerTransferPage:
    """Newest first; ``starting_after`` (a transfer id of this client) continues after it."""
    transfers = LedgerTransfer.objects.filter(client=client)
    if asset is not None:
        transfers = transfers.filter(asset=asset)
    if customer_id is not None:
        transfers = transfers.filter(
            Q(from_customer_id=customer_id) | Q(to_customer_id=customer_id)
        )
    if reference is not None:
        transfers = transfers.filter(reference=reference)
    if created_gte is not None:
        transfers = transfers.filter(created_at__gte=created_gte)
    if created_lt is not None:
        transfers = transfers.filter(created_at__lt=created_lt)
    if starting_after is not None:
        cursor = LedgerTransfer.objects.filter(client=client, public_id=starting_after).first()
        if cursor is None:
            raise InvalidInput(
                "starting_after is not one of your ledger transfers.",
                fields={"starting_after": ["Not one of your ledger transfers."]},
            )
        transfers = transfers.filter(id__lt=cursor.pk)
    rows = list(transfers.order_by("-id")[: limit + 1])
    return LedgerTransferPage(rows[:limit], len(rows) > limit)
