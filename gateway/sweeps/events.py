"""The events sweeps publish, each with the sweep as the API shows it."""

from __future__ import annotations

from gateway.sweeps.api.serializers import SweepOutput, sweep_output
from gateway.sweeps.models import Sweep
from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register

SWEEP_TYPES = (
    EventType(
        "sweep.completed",
        "Funds moved from a deposit address to your hot wallet (or a hot wallet's excess to "
        "your cold wallet), final on chain, with every transaction's cost recorded.",
        SweepOutput,
    ),
    EventType(
        "sweep.failed",
        "A sweep failed (its transaction failed, or nothing could pay its energy); the "
        "funds stay where they were.",
        SweepOutput,
    ),
)


def register_sweep_event_types() -> None:
    event_type_register(*SWEEP_TYPES)


def sweep_event_publish(*, sweep: Sweep, what: str) -> None:
    event_publish(
        type=f"sweep.{what}",
        client_id=sweep.client_id,
        object_id=sweep.public_id,
        data=sweep_output(sweep),
        key=f"sweep.{what}:{sweep.public_id}",
    )
