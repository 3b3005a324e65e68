"""The events staking publishes: an operation confirmed or failed, as the API shows it."""

from __future__ import annotations

from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register
from staking.api.serializers import OperationOutput, operation_body
from staking.models import OperationStatus, StakingOperation

STAKING_OPERATION_CONFIRMED = EventType(
    "staking.operation.confirmed",
    "A staking operation (freeze, unfreeze, withdraw, cancel, delegate, undelegate, vote, "
    "reward claim) is final on chain and its effect is on your ledger: frozen TRX staked, "
    "withdrawn TRX available, a claimed reward credited.",
    OperationOutput,
)
STAKING_OPERATION_FAILED = EventType(
    "staking.operation.failed",
    "A staking operation was refused or failed on chain; TRX held for a freeze is available again.",
    OperationOutput,
)


def register_staking_event_types() -> None:
    event_type_register(STAKING_OPERATION_CONFIRMED, STAKING_OPERATION_FAILED)


def staking_operation_event_publish(operation: StakingOperation) -> None:
    """``staking.operation.confirmed`` or ``.failed`` (inside the change's transaction)."""
    status = "confirmed" if operation.status == OperationStatus.CONFIRMED else "failed"
    event_publish(
        type=f"staking.operation.{status}",
        client_id=operation.client_id,
        object_id=str(operation.pk),
        data=OperationOutput(operation_body(operation)).data,
        key=f"staking.operation.{status}:{operation.pk}",
    )
