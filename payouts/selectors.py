"""Reads of payouts. Every tenant lookup takes the caller's client: another client's
payout is "not found", like a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from lucid_payments.core.errors import NotFound
from payouts.models import Payout
from wallets.models.fees import TransactionFee
from wallets.models.wallets import KeySource, Wallet, WalletKind


def payout_get(*, client_id: int, payout_id: str) -> Payout:
    payout = Payout.objects.filter(client_id=client_id, public_id=payout_id).first()
    if payout is None:
        raise NotFound("No such payout.", code="payout_not_found")
    return payout


@dataclass(frozen=True)
class PayoutPage:
    payouts: list[Payout]
    has_more: bool


def payout_page(
    *,
    client_id: int,
    limit: int,
    status: str | None = None,
    asset: str | None = None,
    customer_id: int | None = None,
    reference: str | None = None,
    created_gte: datetime | None = None,
    created_lt: datetime | None = None,
    starting_after: str | None = None,
) -> PayoutPage:
    """Newest first; ``starting_after`` (a payout id of this client) continues after it."""
    payouts = Payout.objects.filter(client_id=client_id).prefetch_related("approvals")
    if status is not None:
        payouts = payouts.filter(status=status)
    if asset is not None:
        payouts = payouts.filter(asset=asset)
    if customer_id is not None:
        payouts = payouts.filter(customer_id=customer_id)
    if reference is not None:
        payouts = payouts.filter(reference=reference)
    if created_gte is not None:
        payouts = payouts.filter(created_at__gte=created_gte)
    if created_lt is not None:
        payouts = payouts.filter(created_at__lt=created_lt)
    if starting_after is not None:
        payouts = payouts.filter(
            id__lt=payout_get(client_id=client_id, payout_id=starting_after).pk
        )
    rows = list(payouts.order_by("-id")[: limit + 1])
    return PayoutPage(rows[:limit], len(rows) > limit)


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
