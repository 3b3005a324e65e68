"""Recompute the ledger from its postings and report every disagreement.

Used by ``manage.py ledger_verify`` and by the tests. The database already refuses an
unbalanced entry and a negative tenant balance; this catches what a constraint cannot
(a cached balance that drifted from its postings, a day of the deposits roll-up that
differs from the deposits booked that day) and double-checks the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection

from wallets.models.ledger import DEPOSIT_REFERENCE_PREFIX, EntryKind, LedgerAccount

BATCH_SIZE = 1000


@dataclass(frozen=True)
class BalanceMismatch:
    account_id: int
    label: str
    cached: int
    recomputed: int


@dataclass(frozen=True)
class UnbalancedEntry:
    entry_id: int
    asset: str
    total: int


@dataclass(frozen=True)
class DailyDepositsMismatch:
    day: date
    asset: str
    rolled_up: tuple[int, int]  # (amount, deposits) in DailyDeposits
    recomputed: tuple[int, int]  # the same from the postings of the day's deposits


def _account_batches(batch_size: int) -> Iterator[tuple[int, int]]:
    """(first id, last id) ranges covering every account, ``batch_size`` accounts each."""
    ids = list(LedgerAccount.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        yield chunk[0], chunk[-1]


def account_count() -> int:
    return LedgerAccount.objects.count()


def balance_mismatches(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None
) -> list[BalanceMismatch]:
    """Accounts whose cached balance differs from the sum of their postings, or whose
    last posting's running balance differs from the cache."""
    found: list[BalanceMismatch] = []
    with connection.cursor() as cursor:
        for first, last in _account_batches(batch_size):
            cursor.execute(
                """
                SELECT a.id, a.owner_type, a.owner_id, a.asset, a.bucket, a.balance,
                       COALESCE(SUM(p.amount), 0) AS recomputed,
                       (SELECT p2.balance_after FROM wallets_posting p2
                         WHERE p2.account_id = a.id ORDER BY p2.id DESC LIMIT 1) AS last_after,
                       COUNT(p.id) AS n
                  FROM wallets_ledgeraccount a
                  LEFT JOIN wallets_posting p ON p.account_id = a.id
                 WHERE a.id BETWEEN %s AND %s
                 GROUP BY a.id
                """,
                [first, last],
            )
            rows = cursor.fetchall()
            for (
                account_id,
                owner_type,
                owner_id,
                asset,
                bucket,
                cached,
                total,
                last_after,
                n,
            ) in rows:
                running_ok = n == 0 or last_after == cached
                if cached != total or not running_ok:
                    label = f"{owner_type} {owner_id} {asset} {bucket}"
                    found.append(BalanceMismatch(account_id, label, cached, int(total)))
            if progress is not None:
                progress(len(rows))
    return found


def unbalanced_entries() -> list[UnbalancedEntry]:
    """Entries whose postings do not sum to zero per asset (the trigger should make this
    impossible; listed here so that a disabled trigger cannot hide a broken entry)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.entry_id, a.asset, SUM(p.amount)
              FROM wallets_posting p JOIN wallets_ledgeraccount a ON a.id = p.account_id
             GROUP BY p.entry_id, a.asset
            HAVING SUM(p.amount) <> 0
             ORDER BY p.entry_id
            """
        )
        return [UnbalancedEntry(e, asset, int(total)) for e, asset, total in cursor.fetchall()]


def daily_deposit_mismatches() -> list[DailyDepositsMismatch]:
    """Days of ``DailyDeposits`` that differ from the deposits booked that day, a day with
    deposits and no row included. One statement, so that deposits booked meanwhile are
    either in both sides or in neither."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH booked AS (
                SELECT (e.created_at AT TIME ZONE 'UTC')::date AS day, a.asset,
                       SUM(p.amount) AS amount, COUNT(*) AS deposits
                  FROM wallets_posting p
                  JOIN wallets_journalentry e ON e.id = p.entry_id
                  JOIN wallets_ledgeraccount a ON a.id = p.account_id
                 WHERE e.kind = %s AND starts_with(e.reference, %s) AND p.amount > 0
                 GROUP BY 1, 2
            )
            SELECT COALESCE(d.day, b.day), COALESCE(d.asset, b.asset),
                   COALESCE(d.amount, 0), COALESCE(d.deposits, 0),
                   COALESCE(b.amount, 0), COALESCE(b.deposits, 0)
              FROM wallets_dailydeposits d
              FULL JOIN booked b ON b.day = d.day AND b.asset = d.asset
             WHERE COALESCE(d.amount, 0) <> COALESCE(b.amount, 0)
                OR COALESCE(d.deposits, 0) <> COALESCE(b.deposits, 0)
             ORDER BY 1, 2
            """,
            [EntryKind.CREDIT.value, DEPOSIT_REFERENCE_PREFIX],
        )
        return [
            DailyDepositsMismatch(day, asset, (int(a), int(n)), (int(b), int(m)))
            for day, asset, a, n, b, m in cursor.fetchall()
        ]
