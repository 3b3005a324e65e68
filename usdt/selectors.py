"""Reads of the usdt app, every one scoped to the caller's client."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from lucid_payments.accounts.models import Client
from lucid_payments.core.errors import NotFound
from usdt.models import UsdtTransfer
from wallets.models.fees import TransactionFee


def usdt_transfer_get(*, client: Client, transfer_id: int) -> UsdtTransfer:
    transfer = UsdtTransfer.objects.filter(client=client, pk=transfer_id).first()
    if transfer is None:
        raise NotFound("No such USDT transfer.", code="usdt_transfer_not_found")
    return transfer


def usdt_transfer_list(
    *,
    client: Client,
    status: str | None = None,
    wallet_id: int | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> QuerySet[UsdtTransfer]:
    """The client's transfers, newest first."""
    transfers = UsdtTransfer.objects.filter(client=client)
    if status:
        transfers = transfers.filter(status=status)
    if wallet_id:
        transfers = transfers.filter(wallet_id=wallet_id)
    if created_after:
        transfers = transfers.filter(created_at__gte=created_after)
    if created_before:
        transfers = transfers.filter(created_at__lt=created_before)
    return transfers.order_by("-created_at", "-id")


def transfer_fees(transfers: list[UsdtTransfer]) -> dict[str, TransactionFee]:
    """txid → its fee row, for those of ``transfers`` that have one."""
    txids = [t.txid for t in transfers if t.txid]
    if not txids:
        return {}
    rows = TransactionFee.objects.filter(txid__in=txids)
    return {row.txid: row for row in rows}
