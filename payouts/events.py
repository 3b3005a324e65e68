"""The events payouts publish, each with the payout as the API shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register

if TYPE_CHECKING:
    from payouts.models import Payout

_WHEN = {
    "created": "A payout was accepted; its amount and fee are held on the funding balance.",
    "awaiting_approval": "The payout is above your approval threshold: it waits for an "
    "operator (two different ones above the second threshold).",
    "approved": "Operators approved the payout; it is queued for sending.",
    "rejected": "An operator rejected the payout (see rejection_reason); the held amount "
    "is available again.",
    "sending": "The payout's transaction is recorded and on its way (for USDT, once its "
    "energy is ready).",
    "confirmed": "The payout is final on chain (or, to an address in our custody, booked on "
    "the ledger); the hold is settled. Its network_costs follow once recorded.",
    "failed": "The payout's transaction failed (failure_code, failure_message); the held "
    "amount is available again.",
    "cancelled": "You cancelled the payout before it was sent; the held amount is available again.",
    "delayed": "The hot wallet holds too little on chain to send the payout: it stays queued "
    "and is sent by itself once the wallet is refilled (once per delay).",
}


def register_payout_event_types() -> None:
    from payouts.api.serializers import PayoutOutput

    event_type_register(
        *(EventType(f"payout.{what}", when, PayoutOutput) for what, when in _WHEN.items())
    )


def payout_event_publish(
    *, payout: Payout, what: str, occurrence: str = "", data: dict[str, Any] | None = None
) -> None:
    """``payout.<what>`` (inside the transaction of the change). ``occurrence`` tells apart
    events that can happen again (a second delay): the same occurrence publishes once.
    ``data``: the payout as the API shows it, when the caller has built it already."""
    from payouts.api.serializers import payout_output

    event_publish(
        type=f"payout.{what}",
        client_id=payout.client_id,
        object_id=payout.public_id,
        data=payout_output(payout) if data is None else data,
        key=f"payout.{what}:{payout.public_id}:{occurrence}",
    )
