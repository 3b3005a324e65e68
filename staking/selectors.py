"""Reads of staking records, always scoped to the calling client (no cross-tenant reads)."""

from __future__ import annotations

from django.db.models import QuerySet

from lucid_payments.accounts.models import Client
from lucid_payments.core.errors import NotFound
from staking.models import Delegation, StakingOperation


def operation_list(
    *,
    client: Client,
    wallet_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[StakingOperation]:
    """The client's operations, newest first."""
    operations = StakingOperation.objects.filter(client=client)
    if wallet_id is not None:
        operations = operations.filter(wallet_id=wallet_id)
    if kind is not None:
        operations = operations.filter(kind=kind)
    if status is not None:
        operations = operations.filter(status=status)
    return operations.order_by("-id")


def operation_get(*, client: Client, operation_id: int) -> StakingOperation:
    operation = StakingOperation.objects.filter(client=client, pk=operation_id).first()
    if operation is None:
        raise NotFound("No such staking operation.", code="operation_not_found")
    return operation


def delegation_list(*, client: Client) -> QuerySet[Delegation]:
    return Delegation.objects.filter(client=client).order_by("-id")


def delegation_get(*, client: Client, delegation_id: int) -> Delegation:
    delegation = Delegation.objects.filter(client=client, pk=delegation_id).first()
    if delegation is None:
        raise NotFound("No such delegation.", code="delegation_not_found")
    return delegation
