"""Accepting a batch of payouts: all items or none.

Decided: every item becomes a payout at acceptance, its amount and fee held then, so a
batch released later can never overdraw; an ``hourly`` or ``daily`` batch's items wait
``scheduled`` until the next UTC hour or day boundary (``payouts.batch_release``). An
item above the client's approval threshold waits for operators first, like any payout.

The items are checked in order, first without locks (``payout_prepare``: customer,
reference, hot wallet, and the node's cost estimate, asked once per asset and
destination), then recorded in one transaction under the limit locks of every customer and
destination of the batch. The first item refused refuses the batch: its error names the
item (``items[3].amount``) and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import ApplicationError, InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from payouts.batch_events import payout_batch_event_publish
from payouts.batch_models import (
    PayoutBatch,
    PayoutBatchItem,
    PayoutBatchSchedule,
    PayoutBatchStatus,
)
from payouts.chain_reads import network_cost_estimate
from payouts.limits import payout_limits_lock_many
from payouts.models import Payout, PayoutFunding
from payouts.policy import client_payout_policy
from payouts.services import payout_prepare, payout_record


@dataclass(frozen=True)
class BatchItem:
    """One item of a batch request, parsed (amount in base units of ``asset``)."""

    customer_id: int
    destination: str
    asset: Asset
    amount: int
    reference: str
    metadata: dict[str, Any]
    funding: PayoutFunding


def batch_release_at(schedule: PayoutBatchSchedule, now: datetime) -> datetime:
    """``now`` for an immediate batch; else the next full UTC hour or the next UTC
    midnight strictly after ``now`` (a batch accepted at 14:00:00 waits until 15:00)."""
    if schedule == PayoutBatchSchedule.IMMEDIATE:
        return now
    utc = now.astimezone(UTC)
    if schedule == PayoutBatchSchedule.HOURLY:
        return utc.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def _for_item(exc: ApplicationError, position: int) -> ApplicationError:
    """The same error, naming the item: ``items[3].amount``, or ``items[3]`` as a whole."""
    name = f"items[{position}]"
    exc.fields = (
        {f"{name}.{field}": messages for field, messages in exc.fields.items()}
        if exc.fields
        else {name: [exc.message]}
    )
    exc.message = f"Item {position} is refused, and so the batch: {exc.message}"
    return exc


def _refuse_repeated_references(items: list[BatchItem]) -> None:
    first_at: dict[str, int] = {}
    for position, item in enumerate(items):
        if item.reference in first_at:
            raise InvalidInput(
                f"Item {position} repeats the reference of item {first_at[item.reference]}.",
                code="reference_repeated",
                fields={
                    f"items[{position}].reference": [
                        f"Already the reference of items[{first_at[item.reference]}]."
                    ]
                },
            )
        first_at[item.reference] = position


def _customers(client: Client, items: list[BatchItem]) -> dict[int, Customer]:
    wanted = {item.customer_id for item in items}
    found = {c.pk: c for c in Customer.objects.filter(client=client, pk__in=wanted)}
    for position, item in enumerate(items):
        if item.customer_id not in found:  # another tenant's customer reads as missing
            raise InvalidInput(
                f"Item {position} names no customer of yours.",
                code="customer_not_found",
                fields={f"items[{position}].customer_id": ["No such customer."]},
            )
    return found


class _EstimateMemo:
    """The node's cost estimate once per asset, sender and destination: it is an
    estimate, and a 1,000-item batch to a few addresses must not ask the node 1,000 times."""

    def __init__(self) -> None:
        self.known: dict[tuple[Asset, str, str], int | None] = {}

    def __call__(self, *, asset: Asset, sender: str, destination: str, amount: int) -> int | None:
        key = (asset, sender, destination)
        if key not in self.known:
            self.known[key] = network_cost_estimate(
                asset=asset, sender=sender, destination=destination, amount=amount
            )
        return self.known[key]


def _prepared(client: Client, items: list[BatchItem], now: datetime) -> list[Payout]:
    """Outside any transaction: the lock-free checks and the node's estimates."""

    estimate = _EstimateMemo()
    _refuse_repeated_references(items)
    customers = _customers(client, items)
    payouts = []
    for position, item in enumerate(items):
        try:
            payouts.append(
                payout_prepare(
                    client=client,
                    customer=customers[item.customer_id],
                    destination=item.destination,
                    asset=item.asset,
                    amount=item.amount,
                    reference=item.reference,
                    metadata=item.metadata,
                    funding=item.funding,
                    now=now,
                    estimate=estimate,
                )
            )
        except ApplicationError as exc:
            raise _for_item(exc, position) from None
    return payouts


def payout_batch_create(
    *,
    client: Client,
    items: list[BatchItem],
    schedule: PayoutBatchSchedule,
    actor: AuditActor,
    now: datetime | None = None,
) -> PayoutBatch:
    """Accept ``items`` (1 to 1,000) as one batch released per ``schedule``.

    Refuses the whole batch, naming the first item refused, for any reason a single
    payout would be refused (``payout_create``), or a reference repeated within the batch
    (400 ``reference_repeated``). Call it outside any transaction.
    """
    now = now or timezone.now()
    payouts = _prepared(client, items, now)
    return _batch_record(client, payouts, schedule=schedule, actor=actor, now=now)


@transaction.atomic
def _batch_record(
    client: Client,
    payouts: list[Payout],
    *,
    schedule: PayoutBatchSchedule,
    actor: AuditActor,
    now: datetime,
) -> PayoutBatch:
    payout_limits_lock_many(
        client_id=client.pk, pairs=[(p.customer_id, p.destination) for p in payouts]
    )
    immediate = schedule == PayoutBatchSchedule.IMMEDIATE
    batch = PayoutBatch.objects.create(
        client=client,
        schedule=schedule,
        status=PayoutBatchStatus.PROCESSING if immediate else PayoutBatchStatus.SCHEDULED,
        item_count=len(payouts),
        release_at=batch_release_at(schedule, now),
        released_at=now if immediate else None,
    )
    idempotency_effect(batch)  # a retry after a crash replays this batch, never a second
    policy = client_payout_policy(client.pk)  # once for the batch, not twice per item
    for position, payout in enumerate(payouts):
        try:
            payout_record(payout, actor=actor, now=now, scheduled=not immediate, policy=policy)
        except ApplicationError as exc:
            raise _for_item(exc, position) from None
    PayoutBatchItem.objects.bulk_create(
        PayoutBatchItem(batch=batch, position=position, payout=payout)
        for position, payout in enumerate(payouts)
    )
    audit_log(
        actor=actor,
        action="payout_batch.created",
        target=batch,
        client_id=client.pk,
        data={
            "batch": batch.public_id,
            "items": batch.item_count,
            "schedule": schedule.value,
            "release_at": batch.release_at.isoformat(),
        },
    )
    payout_batch_event_publish(batch=batch, what="created")
    return batch
