"""Writes to the ledger: credit, hold, settle, release, transfer, network fees, and the
moves of a client's staked TRX (stake, unstake).

Every booking runs in one transaction that (1) locks the accounts it touches in id order,
so two bookings on the same accounts queue instead of deadlocking, (2) checks that no
client or customer balance goes below zero under that lock, (3) writes the entry and
its postings (one INSERT, so the database's balance trigger sees them together) and
(4) updates the cached balances. A booking whose ``reference`` is already on the books
is not booked again: the existing entry is returned if it has the same postings, and a
different booking under a used reference is a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.inserts import insert_unless_taken
from lucid_payments.core.money import Asset, format_amount
from wallets.errors import InsufficientFunds, LedgerConflict
from wallets.ledger.owners import LedgerOwner
from wallets.models.ledger import (
    DEPOSIT_REFERENCE_PREFIX,
    Bucket,
    EntryKind,
    Hold,
    HoldStatus,
    JournalEntry,
    LedgerAccount,
    OwnerType,
    Posting,
)

REFERENCE_MAX_LENGTH = 200
# A hold's closing entry is booked as "<reference>:settle" or "<reference>:release".
HOLD_REFERENCE_MAX_LENGTH = REFERENCE_MAX_LENGTH - len(":release")


@dataclass(frozen=True)
class Leg:
    """One side of a booking: ``amount`` (signed, base units) on an owner's bucket."""

    owner: LedgerOwner
    asset: Asset
    bucket: Bucket
    amount: int


_AccountKey = tuple[str, int, str, str]


def _key(owner: LedgerOwner, asset: str, bucket: str) -> _AccountKey:
    return (str(owner.type), owner.id, str(asset), str(bucket))


def _account_key(account: LedgerAccount) -> _AccountKey:
    return (account.owner_type, account.owner_id, account.asset, account.bucket)


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(
            "The amount must be a positive whole number of base units.", code="invalid_amount"
        )


def _check_reference(reference: str) -> None:
    if not reference or len(reference) > REFERENCE_MAX_LENGTH:
        raise InvalidInput(
            f"A ledger reference has 1 to {REFERENCE_MAX_LENGTH} characters.",
            code="invalid_reference",
        )


def _lock_accounts(legs: Sequence[Leg]) -> dict[_AccountKey, LedgerAccount]:
    """Lock every account of ``legs`` in id order, creating any missing one first."""
    wanted = {_key(leg.owner, leg.asset, leg.bucket): leg.owner for leg in legs}
    matching = reduce(
        or_,
        (Q(owner_type=t, owner_id=i, asset=a, bucket=b) for (t, i, a, b) in wanted),
    )
    locked = {
        _account_key(account): account
        for account in LedgerAccount.objects.select_for_update().filter(matching).order_by("id")
    }
    missing = [key for key in wanted if key not in locked]
    if not missing:  # the usual case: one statement
        return locked
    # ON CONFLICT DO NOTHING: a concurrent booking may be creating the same account.
    LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(
                owner_type=t,
                owner_id=i,
                asset=a,
                bucket=b,
                client_id=wanted[(t, i, a, b)].client_id,
            )
            for (t, i, a, b) in missing
        ],
        ignore_conflicts=True,
    )
    # Again, with the new ones: the accounts locked above are only re-taken. A new account
    # is made once in its life, so the rare wider lock order this allows does not matter.
    relocked = LedgerAccount.objects.select_for_update().filter(matching).order_by("id")
    return {_account_key(account): account for account in relocked}


def ledger_lock_owner_accounts(*, owners: Sequence[LedgerOwner]) -> int:
    """Lock every existing account of ``owners`` in one statement, in id order.

    For a transaction that books several entries in a row (an outgoing transaction's
    hooks book its network fee, then settle its hold, in whatever order the apps
    subscribed): each ``_book`` locks its own accounts in id order, but two such
    transactions taking those groups in a different order would deadlock. Locking the
    union first, in id order, makes the later locks re-entrant. Call inside an atomic
    block; returns how many accounts are now locked.
    """
    if not owners:
        return 0
    matching = reduce(or_, (Q(owner_type=o.type, owner_id=o.id) for o in owners))
    locked = LedgerAccount.objects.select_for_update().filter(matching).order_by("id")
    return len(locked.values_list("id", flat=True))


def _same_postings(
    entry: JournalEntry, legs: Sequence[Leg], accounts: Mapping[_AccountKey, LedgerAccount]
) -> bool:
    booked = {(p.account_id, p.amount) for p in entry.postings.all()}
    wanted = {(accounts[_key(leg.owner, leg.asset, leg.bucket)].pk, leg.amount) for leg in legs}
    return booked == wanted


class Booked(NamedTuple):
    entry: JournalEntry
    created: bool  # False: the reference was booked already, with these very legs
    accounts: Mapping[_AccountKey, LedgerAccount]  # locked


def _book(
    *,
    kind: EntryKind,
    reference: str,
    legs: Sequence[Leg],
    description: str = "",
    data: Mapping[str, Any] | None = None,
) -> Booked:
    """Book ``legs`` as one entry. Call inside an atomic block."""
    _check_reference(reference)
    accounts = _lock_accounts(legs)

    # The entry first, in one statement unless its reference is booked already: under the
    # account locks a booking of the same reference has either committed (then nothing is
    # inserted and it is compared below) or is waited for by the unique index. A refusal
    # further down (insufficient funds) rolls the entry back with the caller's block; no
    # savepoint of its own is needed.
    entry = JournalEntry(
        reference=reference, kind=kind, description=description, data=dict(data or {})
    )
    if not insert_unless_taken(entry, conflict=("reference",)):
        existing = JournalEntry.objects.get(reference=reference)
        if existing.kind != kind or not _same_postings(existing, legs, accounts):
            raise LedgerConflict(
                f"The ledger reference {reference!r} is already booked differently.",
                code="ledger_reference_reused",
            )
        return Booked(existing, False, accounts)

    new_balances: dict[_AccountKey, int] = {}
    for leg in legs:
        key = _key(leg.owner, leg.asset, leg.bucket)
        new_balances[key] = new_balances.get(key, accounts[key].balance) + leg.amount
    for leg in legs:
        key = _key(leg.owner, leg.asset, leg.bucket)
        if leg.owner.is_tenant and new_balances[key] < 0:
            raise InsufficientFunds(
                f"Not enough {leg.asset} {leg.bucket} balance: "
                f"{format_amount(accounts[key].balance, leg.asset)} "
                f"{leg.asset}, {format_amount(-leg.amount, leg.asset)} needed.",
            )

    running = {key: accounts[key].balance for key in accounts}
    postings = []
    for leg in legs:
        key = _key(leg.owner, leg.asset, leg.bucket)
        running[key] += leg.amount
        postings.append(
            Posting(
                entry=entry, account=accounts[key], amount=leg.amount, balance_after=running[key]
            )
        )
    Posting.objects.bulk_create(postings)  # one statement: the balance trigger sees all legs
    _save_balances({accounts[key].pk: balance for key, balance in new_balances.items()})
    return Booked(entry, True, accounts)


def _save_balances(balances: Mapping[int, int]) -> None:
    """Write the new cached balances of the (locked) accounts in one statement."""
    ids = list(balances)
    LedgerAccount.objects.filter(pk__in=ids).update(
        balance=Case(*(When(pk=pk, then=Value(balances[pk])) for pk in ids)),
        updated_at=timezone.now(),
    )


@transaction.atomic
def ledger_credit(
    *,
    owner: LedgerOwner,
    asset: Asset,
    amount: int,
    reference: str,
    description: str = "",
    data: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """Money arrived in custody for ``owner`` (e.g. a final deposit): custody → available.

    ``reference`` identifies the event (for a chain transfer: network, txid and index), so
    crediting it twice returns the first entry and books nothing. A chain transfer's credit
    (``DEPOSIT_REFERENCE_PREFIX``) is also added to its day's ``DailyDeposits``.
    """
    _check_amount(amount)
    entry, created, _ = _book(
        kind=EntryKind.CREDIT,
        reference=reference,
        legs=[
            Leg(LedgerOwner.platform(), asset, Bucket.CUSTODY, -amount),
            Leg(owner, asset, Bucket.AVAILABLE, amount),
        ],
        description=description,
        data=data,
    )
    if created and reference.startswith(DEPOSIT_REFERENCE_PREFIX):
        _daily_deposits_add(entry=entry, asset=asset, amount=amount)
    return entry


def _daily_deposits_add(*, entry: JournalEntry, asset: Asset, amount: int) -> None:
    """Count a newly booked deposit in its UTC day. The upsert locks the day's row until
    commit; every deposit of ``asset`` has locked the platform's custody account first, so
    the row adds no wait and no new lock order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO wallets_dailydeposits (day, asset, amount, deposits)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT (day, asset) DO UPDATE
               SET amount = wallets_dailydeposits.amount + EXCLUDED.amount,
                   deposits = wallets_dailydeposits.deposits + 1
            """,
            [entry.created_at.astimezone(UTC).date(), str(asset), amount],
        )


@transaction.atomic
def ledger_transfer(
    *,
    source: LedgerOwner,
    destination: LedgerOwner,
    asset: Asset,
    amount: int,
    reference: str,
    description: str = "",
    data: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """Move available funds between two owners inside the ledger (no chain movement)."""
    _check_amount(amount)
    if source == destination:
        raise InvalidInput("A transfer needs two different owners.", code="invalid_transfer")
    entry, _, _ = _book(
        kind=EntryKind.TRANSFER,
        reference=reference,
        legs=[
            Leg(source, asset, Bucket.AVAILABLE, -amount),
            Leg(destination, asset, Bucket.AVAILABLE, amount),
        ],
        description=description,
        data=data,
    )
    return entry


@transaction.atomic
def ledger_network_fee(
    *,
    asset: Asset,
    amount: int,
    reference: str,
    description: str = "",
    data: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """One of our transactions burned ``amount`` on chain: a platform expense.

    Custody shrinks (the fee left our addresses) against the platform's ``network_fees``
    account. ``reference`` names the chain transaction, so booking it twice books once.
    """
    _check_amount(amount)
    platform = LedgerOwner.platform()
    entry, _, _ = _book(
        kind=EntryKind.NETWORK_FEE,
        reference=reference,
        legs=[
            Leg(platform, asset, Bucket.CUSTODY, amount),
            Leg(platform, asset, Bucket.NETWORK_FEES, -amount),
        ],
        description=description,
        data=data,
    )
    return entry


@transaction.atomic
def ledger_hold(
    *,
    owner: LedgerOwner,
    asset: Asset,
    amount: int,
    reference: str,
    description: str = "",
    data: Mapping[str, Any] | None = None,
) -> Hold:
    """Set funds aside (e.g. an accepted payout): available → held.

    Raises ``InsufficientFunds`` if the available balance is short. Holding the same
    reference again returns the existing hold.
    """
    _check_amount(amount)
    if len(reference) > HOLD_REFERENCE_MAX_LENGTH:
        raise InvalidInput(
            f"A hold reference is at most {HOLD_REFERENCE_MAX_LENGTH} characters.",
            code="invalid_reference",
        )
    entry, created, accounts = _book(
        kind=EntryKind.HOLD,
        reference=reference,
        legs=[
            Leg(owner, asset, Bucket.AVAILABLE, -amount),
            Leg(owner, asset, Bucket.HELD, amount),
        ],
        description=description,
        data=data,
    )
    if not created:
        return Hold.objects.get(hold_entry=entry)
    held_account = accounts[_key(owner, asset, Bucket.HELD)]
    return Hold.objects.create(
        reference=reference, account=held_account, amount=amount, hold_entry=entry
    )


def _close_hold(
    *, reference: str, outcome: HoldStatus, description: str, data: Mapping[str, Any] | None
) -> Hold:
    # The hold row first, then (inside _book) the accounts: every booking locks at most
    # one hold before any account, so the lock order is the same everywhere. (An outgoing
    # ending locks its accounts before this, wallets/outgoing_locks.py: it can only meet
    # another closer of its own hold, and if PostgreSQL picks the ending as the deadlock
    # victim, the outgoing step retries it.)
    hold = (
        Hold.objects.select_for_update(of=("self",))  # the accounts are locked in order later
        .select_related("account")
        .filter(reference=reference)
        .first()
    )
    if hold is None:
        raise LedgerConflict(f"There is no hold {reference!r}.", code="hold_not_found")
    if hold.status == outcome:
        return hold  # already done: safe to run twice
    if hold.status != HoldStatus.HELD:
        raise LedgerConflict(
            f"The hold {reference!r} is already {hold.status}.", code="hold_closed"
        )
    account = hold.account
    owner = LedgerOwner(account.owner_type, account.owner_id, account.client_id)  # type: ignore[arg-type]
    asset = Asset(account.asset)
    destination = (
        Leg(LedgerOwner.platform(), asset, Bucket.CUSTODY, hold.amount)
        if outcome == HoldStatus.SETTLED
        else Leg(owner, asset, Bucket.AVAILABLE, hold.amount)
    )
    kind = EntryKind.SETTLE if outcome == HoldStatus.SETTLED else EntryKind.RELEASE
    entry, _, _ = _book(
        kind=kind,
        reference=f"{reference}:{kind}",
        legs=[Leg(owner, asset, Bucket.HELD, -hold.amount), destination],
        description=description,
        data=data,
    )
    hold.status = outcome
    hold.closing_entry = entry
    hold.closed_at = timezone.now()
    hold.save(update_fields=["status", "closing_entry", "closed_at"])
    return hold


@transaction.atomic
def ledger_settle(
    *, reference: str, description: str = "", data: Mapping[str, Any] | None = None
) -> Hold:
    """The held funds left custody (e.g. the payout is final on chain): held → custody."""
    return _close_hold(
        reference=reference, outcome=HoldStatus.SETTLED, description=description, data=data
    )


@transaction.atomic
def ledger_release(
    *, reference: str, description: str = "", data: Mapping[str, Any] | None = None
) -> Hold:
    """The held funds did not leave (e.g. the payout failed): held → available."""
    return _close_hold(
        reference=reference, outcome=HoldStatus.RELEASED, description=description, data=data
    )


# Stake 2.0: freezing holds the amount first (``ledger_hold`` at accept); when the freeze
# is final the hold closes into the client's ``staked`` account (``ledger_stake``), and when
# it fails it is released as any hold is. Unfreezing changes no bucket: unfreezing TRX is
# still on the address, counted as staked until withdrawn, and the chain tells how much
# came back to the spendable balance (``ledger_unstake``). Custody never changes: the TRX
# never leaves our address.


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
    entry, _, _ = _book(
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
    entry, _, _ = _book(
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
