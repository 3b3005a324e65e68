"""Reads of payouts. Every tenant lookup takes the caller's client: another client's
payout is "not found", like a missing one."""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.conf import settings

from lucid_payments.core.errors import found
from lucid_payments.core.paging import Page, Window
from payouts.models import Payout
from wallets.models.fees import TransactionFee
from wallets.models.wallets import KeySource, Wallet, WalletKind


def payout_get(*, client_id: int, payout_id: str) -> Payout:
    payout = Payout.objects.filter(client_id=client_id, public_id=payout_id).first()
    return found(payout, "No such payout.", code="payout_not_found")


class PayoutFilters(TypedDict, total=False):
    status: str
    asset: str
    customer_id: int
    reference: str


def payout_page(
    *, client_id: int, window: Window, **filters: Unpack[PayoutFilters]
) -> Page[Payout]:
    """Newest first; ``starting_after`` (a payout id of this client) continues after it."""
    payouts = Payout.objects.filter(client_id=client_id, **filters).prefetch_related("approvals")
    return window.page(payouts, lambda after: payout_get(client_id=client_id, payout_id=after))


def payout_network_costs(payouts: list[Payout]) -> dict[str, TransactionFee]:
    """txid → its recorded fee row, for those of ``payouts`` that have one."""
    txids = [p.txid for p in payouts if p.txid]
    if not txids:
        return {}
    rows = TransactionFee.objects.filter(network=settings.TRON_NETWORK, txid__in=txids)
    return {row.txid: row for row in rows}


def payout_hot_wallet(*, client_id: int) -> Wallet | None:
    """The hot wallet the client's payouts are sent from (its first one that can sign)."""
    return (
        Wallet.objects.filter(
            client_id=client_id, kind=WalletKind.HOT, network=settings.TRON_NETWORK
        )
        .exclude(key_source=KeySource.WATCH_ONLY)
        .order_by("id")
        .first()
    )
