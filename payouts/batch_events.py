"""The events payout batches publish, each with the batch as the API lists it (its
counts per status, not its items: each item's payout publishes its own ``payout.*``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register

if TYPE_CHECKING:
    from payouts.batch_models import PayoutBatch

_WHEN = {
    "created": "A batch of payouts was accepted: every item is a payout, held on its "
    "funding balance; scheduled batches wait for release_at.",
    "released": "A scheduled batch reached its release time: its items are queued for "
    "sending, in order.",
    "completed": "Every item of the batch ended: confirmed, failed or cancelled (see "
    "items_by_status).",
}


def register_payout_batch_event_types() -> None:
    from payouts.api.batch_serializers import PayoutBatchOutput

    event_type_register(
        *(
            EventType(f"payout_batch.{what}", when, PayoutBatchOutput)
            for what, when in _WHEN.items()
        )
    )


def payout_batch_event_publish(*, batch: PayoutBatch, what: str) -> None:
    """``payout_batch.<what>``, once per batch (inside the transaction of the change)."""
    from payouts.api.batch_serializers import payout_batch_output

    event_publish(
        type=f"payout_batch.{what}",
        client_id=batch.client_id,
        object_id=batch.public_id,
        data=payout_batch_output(batch),
        key=f"payout_batch.{what}:{batch.public_id}",
    )
