"""Reads for wallets, always scoped to the calling client (no cross-tenant reads)."""

from __future__ import annotations

from django.db.models import QuerySet

from lucid_payments.accounts.models import Client
from lucid_payments.core.errors import NotFound
from wallets.models.wallets import Wallet


def wallet_list(*, client: Client) -> QuerySet[Wallet]:
    return Wallet.objects.filter(client=client).order_by("id")


def wallet_get(*, client: Client, wallet_id: int) -> Wallet:
    wallet = Wallet.objects.filter(client=client, pk=wallet_id).first()
    if wallet is None:
        raise NotFound("No such wallet.", code="wallet_not_found")
    return wallet
