"""Reads for wallets, always scoped to the calling client (no cross-tenant reads)."""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.db.models import Q, QuerySet

from lucid_payments.accounts.models import Client
from lucid_payments.core.errors import InvalidInput, found
from lucid_payments.core.paging import Page, Window
from wallets.models.ledger_transfers import LedgerTransfer
from wallets.models.wallets import Wallet


def wallet_list(*, client: Client) -> QuerySet[Wallet]:
    return Wallet.objects.filter(client=client).order_by("id")


def wallet_get(*, client: Client, wallet_id: int) -> Wallet:
    wallet = Wallet.objects.filter(client=client, pk=wallet_id).first()
    return found(wallet, "No such wallet.", code="wallet_not_found")


def ledger_transfer_get(*, client: Client, transfer_id: str) -> LedgerTransfer:
    """The client's book transfer by its public id; another client's is "not found"."""
    transfer = LedgerTransfer.objects.filter(client=client, public_id=transfer_id).first()
    return found(transfer, "No such ledger transfer.", code="ledger_transfer_not_found")


class LedgerTransferFilters(TypedDict, total=False):
    asset: str
    reference: str


def ledger_transfer_page(
    *,
    client: Client,
    window: Window,
    customer_id: int | None = None,
    **filters: Unpack[LedgerTransferFilters],
) -> Page[LedgerTransfer]:
    """Newest first; ``starting_after`` (a transfer id of this client) continues after it.
    ``customer_id`` keeps the transfers that customer paid or was paid."""
    transfers = LedgerTransfer.objects.filter(client=client, **filters)
    if customer_id is not None:
        transfers = transfers.filter(
            Q(from_customer_id=customer_id) | Q(to_customer_id=customer_id)
        )

    def cursor(public_id: str) -> LedgerTransfer:
        transfer = LedgerTransfer.objects.filter(client=client, public_id=public_id).first()
        if transfer is None:
            raise InvalidInput(
                "starting_after is not one of your ledger transfers.",
                fields={"starting_after": ["Not one of your ledger transfers."]},
            )
        return transfer

    return window.page(transfers, cursor)
