"""Request and response shapes of payout batches. An item is a payout request like
``POST /payouts`` takes; its result is the payout it became."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from rest_framework import serializers

from gateway.api.paging import CreatedRange, NewestFirstPage
from lucid_payments.core.fields import InputChoiceField
from lucid_payments.core.money import Asset
from payouts.api.serializers import PayoutCreateInput
from payouts.batch_models import (
    MAX_BATCH_ITEMS,
    PayoutBatch,
    PayoutBatchSchedule,
    PayoutBatchStatus,
)
from payouts.batches import BatchItem
from payouts.models import Payout, PayoutFunding, PayoutStatus
from wallets.api.serializers import MoneyOutput, money


class PayoutBatchCreateInput(serializers.Serializer[Any]):
    schedule = InputChoiceField(
        choices=PayoutBatchSchedule.choices,
        required=False,
        default=PayoutBatchSchedule.IMMEDIATE,
        help_text="immediate (the default), hourly (at the next full UTC hour) or daily (at "
        "the next UTC midnight). Every item is held at once whatever the schedule.",
    )
    items: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PayoutCreateInput(),
        min_length=1,
        max_length=MAX_BATCH_ITEMS,
        help_text=f"1 to {MAX_BATCH_ITEMS} payouts, each with its own reference; one refused "
        "item refuses the batch, and the error names it (items[3].destination)",
    )

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_items_named(exc.detail)) from None


def _items_named(detail: Any) -> Any:
    """Name a refused item like the services do, ``items[3].destination``, instead of
    the list serializer's ``items.3.destination``."""
    if not isinstance(detail, dict) or not isinstance(detail.get("items"), dict):
        return detail
    renamed = {key: value for key, value in detail.items() if key != "items"}
    for index, errors in detail["items"].items():
        # Not an index: the list as a whole (too short, too long).
        renamed[f"items[{index}]" if isinstance(index, int) else "items"] = errors
    return renamed


def batch_items(validated: dict[str, Any]) -> list[BatchItem]:
    return [
        BatchItem(
            customer_id=item["customer_id"],
            destination=item["destination"],
            asset=Asset(item["asset"]),
            amount=item["amount_units"],
            reference=item["reference"],
            metadata=item["metadata"],
            funding=PayoutFunding(item["funding"]),
        )
        for item in validated["items"]
    ]


class PayoutBatchStatusCounts(serializers.Serializer[Any]):
    scheduled = serializers.IntegerField()
    awaiting_approval = serializers.IntegerField()
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class PayoutBatchOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="pob_…")
    status = serializers.ChoiceField(
        choices=PayoutBatchStatus.choices,
        help_text="scheduled (held, waiting for release_at), processing (released), "
        "completed (every item confirmed, failed or cancelled)",
    )
    schedule = serializers.ChoiceField(choices=PayoutBatchSchedule.choices)
    item_count = serializers.IntegerField()
    items_by_status = PayoutBatchStatusCounts(help_text="How many items are in each status")
    totals = MoneyOutput(many=True, help_text="Sum of the items' amounts per asset")
    release_at = serializers.DateTimeField(help_text="When the items are handed to the sender")
    created_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class PayoutBatchItemOutput(serializers.Serializer[Any]):
    position = serializers.IntegerField(help_text="0-based, the order of the request")
    reference = serializers.CharField()
    payout_id = serializers.CharField(help_text="po_…: GET /payouts/{id} for all of it")
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    customer_id = serializers.IntegerField()
    destination = serializers.CharField()
    amount = MoneyOutput()
    fee = MoneyOutput()
    txid = serializers.CharField(allow_blank=True)
    failure_code = serializers.CharField(allow_blank=True)


class PayoutBatchDetailOutput(PayoutBatchOutput):
    items = PayoutBatchItemOutput(many=True, help_text="Every item's result, in order")


class PayoutBatchPageOutput(serializers.Serializer[Any]):
    batches = PayoutBatchOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older batches follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class PayoutBatchFilter(CreatedRange, NewestFirstPage):
    """Query parameters of the batch list. Leave one out for no filter."""

    status = InputChoiceField(choices=PayoutBatchStatus.choices, required=False)


def _item_payouts(batch: PayoutBatch) -> Any:
    return Payout.objects.filter(batch_item__batch=batch)


def payout_batch_body(batch: PayoutBatch) -> dict[str, Any]:
    payouts = _item_payouts(batch)
    counts = {status.value: 0 for status in PayoutStatus}
    for row in payouts.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    totals = payouts.values("asset").annotate(total=Sum("amount")).order_by("asset")
    return {
        "id": batch.public_id,
        "status": batch.status,
        "schedule": batch.schedule,
        "item_count": batch.item_count,
        "items_by_status": counts,
        "totals": [money(row["total"], row["asset"]) for row in totals],
        "release_at": batch.release_at,
        "created_at": batch.created_at,
        "released_at": batch.released_at,
        "completed_at": batch.completed_at,
    }


def payout_batch_output(batch: PayoutBatch) -> dict[str, Any]:
    return dict(PayoutBatchOutput(payout_batch_body(batch)).data)


def payout_batch_detail_output(batch: PayoutBatch) -> dict[str, Any]:
    rows = batch.items.select_related("payout").order_by("position")
    items = [
        {
            "position": row.position,
            "reference": row.payout.reference,
            "payout_id": row.payout.public_id,
            "status": row.payout.status,
            "customer_id": row.payout.customer_id,
            "destination": row.payout.destination,
            "amount": money(row.payout.amount, row.payout.asset),
            "fee": money(row.payout.fee, row.payout.asset),
            "txid": row.payout.txid,
            "failure_code": row.payout.failure_code,
        }
        for row in rows
    ]
    return dict(PayoutBatchDetailOutput({**payout_batch_body(batch), "items": items}).data)
