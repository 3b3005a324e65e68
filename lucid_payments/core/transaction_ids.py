"""PostgreSQL transaction ids as query expressions, for readers that must not skip a row
committed out of order.

An id (or a sequence value) is drawn when a row is inserted, not when its transaction
commits: a reader that has seen id 8 can still be shown id 7 later. A row stamped with
its transaction's id (``CurrentTransactionId``) can be found again: whatever a snapshot
did not see belongs to a transaction at or above that snapshot's
``OldestRunningTransactionId``, so a reader that remembers it and next asks for rows at or
above it misses nothing.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Func


class CurrentTransactionId(Func):
    """The id of the transaction running the statement (64 bits, never wraps; a
    subtransaction's statement gets its top-level transaction's id)."""

    template = "pg_current_xact_id()::text::bigint"
    output_field = models.BigIntegerField()


class OwnTransactionId(Func):
    """The id of the transaction running the statement if it wrote anything, else null
    (a read must not draw an id of its own)."""

    template = "pg_current_xact_id_if_assigned()::text::bigint"
    output_field = models.BigIntegerField()


class OldestRunningTransactionId(Func):
    """Every transaction with a smaller id has ended (committed or rolled back)."""

    template = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    output_field = models.BigIntegerField()
