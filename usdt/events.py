"""The events usdt-manager publishes: a USDT transfer's end, as the API shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lucid_payments.events.services import event_publish
from lucid_payments.events.types import EventType, event_type_register

if TYPE_CHECKING:
    from usdt.models import UsdtTransfer


def register_usdt_event_types() -> None:
    from usdt.api.serializers import UsdtTransferOutput

    event_type_register(
        EventType(
            "usdt_transfer.confirmed",
            "A USDT transfer from your hot wallet is final on chain; the held amount is "
            "settled. Its fees (energy delegated, own, burned; bandwidth) follow once "
            "recorded, on GET /api/v1/usdt/transfers/{id}.",
            UsdtTransferOutput,
        ),
        EventType(
            "usdt_transfer.failed",
            "A USDT transfer from your hot wallet failed; the held amount is available again.",
            UsdtTransferOutput,
        ),
    )


def usdt_transfer_event_publish(*, transfer: UsdtTransfer) -> None:
    """``usdt_transfer.confirmed`` or ``.failed`` (inside the transaction that ended it)."""
    from usdt.api.serializers import UsdtTransferOutput, usdt_transfer_body

    status = "confirmed" if transfer.status == "confirmed" else "failed"
    event_publish(
        type=f"usdt_transfer.{status}",
        client_id=transfer.client_id,
        object_id=str(transfer.pk),
        data=UsdtTransferOutput(usdt_transfer_body(transfer)).data,
        key=f"usdt_transfer.{status}:{transfer.pk}",
    )
