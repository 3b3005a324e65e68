"""Ledger moves of a client's staked TRX (Stake 2.0): into ``staked`` and back.

Freezing holds the amount first (``ledger_hold``, available → held, at accept); when the
freeze is final the hold closes into the client's ``staked`` account (``ledger_stake``),
and when it fails it is released as any hold is. Unfreezing changes no bucket: unfreezing
TRX is still on the address, counted as staked until it is withdrawn, and the chain tells
how much came back to the spendable balance (``ledger_unstake``: staked → available).
Custody does not change in any of these: the TRX never leaves our address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from lucid_payments.core.money import Asset
from wallets.errors import LedgerConflict
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import Leg, _book, _check_amount
from wallets.models.ledger import Bucket, EntryKind, Hold, HoldStatus, JournalEntry, OwnerType


@transaction.atomic
def ledger_stake(
    *, reference: str, description: str = "", data: Mapping[str, Any] | None = None
) -> Hold:
    """The held TRX of hold ``reference`` is frozen on chain: held → staked.

    The hold is settled by that entry (it left the spendable side, not custody). Running
    it twice books once.
    """
    hold = (
        Hold.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(reference=reference)
        .first()
    )
    if hold is None:
        raise LedgerConflict(f"There is no hold {reference!r}.", code="hold_not_found")
    stake_reference = f"{reference}:{EntryKind.STAKE}"
    if hold.status == HoldStatus.SETTLED and hold.closing_entry is not None:
        if hold.closing_entry.reference == stake_reference:
            return hold
    if hold.status != HoldStatus.HELD:
        raise LedgerConflict(
            f"The hold {reference!r} is already {hold.status}.", code="hold_closed"
        )
    account = hold.account
    if account.owner_type != OwnerType.CLIENT or account.asset != Asset.TRX:
        raise LedgerConflict(
            f"The hold {reference!r} is not a client's TRX: it cannot be staked.",
            code="hold_not_stakeable",
        )
    owner = LedgerOwner.client(account.owner_id)
    entry, _ = _book(
        kind=EntryKind.STAKE,
        reference=stake_reference,
        legs=[
            Leg(owner, Asset.TRX, Bucket.HELD, -hold.amount),
            Leg(owner, Asset.TRX, Bucket.STAKED, hold.amount),
        ],
        description=description,
        data=data,
    )
    hold.status = HoldStatus.SETTLED
    hold.closing_entry = entry
    hold.closed_at = timezone.now()
    hold.save(update_fields=["status", "closing_entry", "closed_at"])
    return hold


@transaction.atomic
def ledger_unstake(
    *,
    owner: LedgerOwner,
    amount: int,
    reference: str,
    description: str = "",
    data: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """Unstaked TRX came back to the client's spendable balance: staked → available.

    ``reference`` names the chain transaction that paid it out, so it is booked once.
    """
    _check_amount(amount)
    entry, _ = _book(
        kind=EntryKind.UNSTAKE,
        reference=reference,
        legs=[
            Leg(owner, Asset.TRX, Bucket.STAKED, -amount),
            Leg(owner, Asset.TRX, Bucket.AVAILABLE, amount),
        ],
        description=description,
        data=data,
    )
    return entry
