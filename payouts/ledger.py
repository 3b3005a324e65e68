"""A payout's bookings: its amount and its fee are held on the funding balance when it is
accepted, and closed together when it ends.

Two holds, because they end differently on success: the amount leaves custody (settled,
or for an internal payout transferred to the destination's owner) while the fee stays in
custody and becomes the platform's (released, then transferred to the platform).
"""

from __future__ import annotations

from typing import Any

from lucid_payments.core.money import Asset
from payouts.models import Payout, PayoutFunding
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold, ledger_release, ledger_settle, ledger_transfer


def payout_funder(payout: Payout) -> LedgerOwner:
    if payout.funding == PayoutFunding.CUSTOMER:
        return LedgerOwner.customer(payout.customer_id, client_id=payout.client_id)
    return LedgerOwner.client(payout.client_id)


def _fee_reference(payout: Payout) -> str:
    return f"{payout.ledger_reference}:fee"


def payout_hold(payout: Payout) -> None:
    """Hold the amount and the fee (``InsufficientFunds`` when the funder is short)."""
    funder = payout_funder(payout)
    asset = Asset(payout.asset)
    data = {"payout": payout.public_id, "to": payout.destination}
    ledger_hold(
        owner=funder,
        asset=asset,
        amount=payout.amount,
        reference=payout.ledger_reference,
        description=f"payout {payout.public_id}",
        data=data,
    )
    if payout.fee:
        ledger_hold(
            owner=funder,
            asset=asset,
            amount=payout.fee,
            reference=_fee_reference(payout),
            description=f"fee of payout {payout.public_id}",
            data=data,
        )


def payout_release(payout: Payout, *, why: str, data: dict[str, Any] | None = None) -> None:
    """The payout will not be paid: amount and fee are available again."""
    ledger_release(reference=payout.ledger_reference, description=why, data=data)
    if payout.fee:
        ledger_release(reference=_fee_reference(payout), description=why, data=data)


def _collect_fee(payout: Payout, data: dict[str, Any]) -> None:
    if not payout.fee:
        return
    ledger_release(reference=_fee_reference(payout), description="payout fee collected", data=data)
    ledger_transfer(
        source=payout_funder(payout),
        destination=LedgerOwner.platform(),
        asset=Asset(payout.asset),
        amount=payout.fee,
        reference=f"{payout.ledger_reference}:fee-collect",
        description=f"fee of payout {payout.public_id}",
        data=data,
    )


def payout_settle(payout: Payout, *, data: dict[str, Any]) -> None:
    """The payout is final on chain: the amount left custody, the fee is the platform's."""
    ledger_settle(reference=payout.ledger_reference, description="payout final", data=data)
    _collect_fee(payout, data)


def payout_settle_internal(payout: Payout, *, owner: LedgerOwner, data: dict[str, Any]) -> None:
    """The destination is in our custody: the amount moves on the ledger to its owner
    (nothing moves on chain; to the funder's own address nothing changes hands)."""
    funder = payout_funder(payout)
    ledger_release(
        reference=payout.ledger_reference, description="payout booked internally", data=data
    )
    if owner != funder:
        ledger_transfer(
            source=funder,
            destination=owner,
            asset=Asset(payout.asset),
            amount=payout.amount,
            reference=f"{payout.ledger_reference}:internal",
            description=f"payout {payout.public_id} to an address in custody",
            data=data,
        )
    _collect_fee(payout, data)
