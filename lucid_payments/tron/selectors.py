"""Reads of chain-level rows for the other apps: they ask here instead of querying the
chain app's tables themselves."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from lucid_payments.tron.models import OutgoingAttempt


def outgoing_references_by_txid(*, network: str, txids: Collection[str]) -> dict[str, str]:
    """txid → the reference of our outgoing transaction that signed it, for those of
    ``txids`` that are copies we made (any copy, not only the current one: an earlier copy
    is what landed when a rebuild raced it)."""
    if not txids:
        return {}
    rows = OutgoingAttempt.objects.filter(network=network, txid__in=list(txids)).values_list(
        "txid", "outgoing__reference"
    )
    return dict(rows)


def outgoing_txids_with_reference_prefix(*, network: str, prefix: str) -> QuerySet[Any, Any]:
    """The txids (as a subquery) of every copy of our outgoing transactions whose reference
    starts with ``prefix``."""
    return OutgoingAttempt.objects.filter(
        network=network, outgoing__reference__startswith=prefix
    ).values("txid")
