"""Ledger entries, one line per posting (an entry's legs sum to zero per asset)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lucid_payments.console.exports import Export, ExportRange
from lucid_payments.core.money import format_amount
from wallets.models import Posting


def _queryset(span: ExportRange) -> QuerySet[Any]:
    rows = Posting.objects.filter(
        entry__created_at__gte=span.start, entry__created_at__lt=span.end
    ).select_related("entry", "account")
    if span.client_id is not None:
        rows = rows.filter(account__client_id=span.client_id)
    return rows.order_by("entry__created_at", "entry_id", "id")


def _row(posting: Posting) -> list[object]:
    entry, account = posting.entry, posting.account
    return [
        entry.created_at.isoformat(),
        entry.pk,
        entry.kind,
        entry.reference,
        entry.description,
        account.owner_type,
        account.owner_id,
        account.client_id,
        account.bucket,
        account.asset,
        format_amount(posting.amount, account.asset),
        format_amount(posting.balance_after, account.asset),
    ]


EXPORT = Export(
    name="ledger",
    title="Ledger entries (one line per posting)",
    header=(
        "created_at",
        "entry_id",
        "kind",
        "reference",
        "description",
        "owner_type",
        "owner_id",
        "client_id",
        "bucket",
        "asset",
        "amount",
        "balance_after",
    ),
    queryset=_queryset,
    row=_row,
)
