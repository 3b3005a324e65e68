"""Database side of the scanner: record a batch, finalize, rewind after a fork.

Each function is one transaction and makes no network call. Status changes publish a
``TransferEvent`` inside that transaction (see ``lucid_payments.tron.hooks``). Callers
hold the network's scanner lock, so "read existing rows, then insert the rest" cannot
race with another writer; the unique constraint is the backstop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from lucid_payments.tron.adapter.types import Block, BlockRef
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.hooks import TransferEvent, publish_transfer_event
from lucid_payments.tron.models import (
    Asset,
    ChainTransfer,
    ScanCursor,
    ScannedBlock,
    TransferStatus,
)
from lucid_payments.tron.scanner.extract import FetchedBlock, FoundTransfer, transfers_in_block

logger = logging.getLogger(__name__)

# Test hook: called with each block number after its transfers are written, inside the
# batch transaction. Raising there aborts the whole batch (simulates a crash mid-batch).
AfterBlock = Callable[[int], None]


class CursorMoved(Exception):
    """The cursor is not where this batch expects it: another writer got there first."""


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    blocks: int
    recorded: int  # transfers newly seen, or seen again after a drop


def no_cursor_block() -> BlockRef:
    """The cursor before block 0: nothing scanned, no parent to check."""
    return BlockRef(number=-1, block_id="")


def get_or_create_cursor(network: str, start_after: BlockRef) -> ScanCursor:
    with transaction.atomic():
        cursor, created = ScanCursor.objects.get_or_create(
            network=network,
            defaults={"block_number": start_after.number, "block_id": start_after.block_id},
        )
        if created and start_after.block_id:
            ScannedBlock.objects.get_or_create(
                network=network,
                number=start_after.number,
                defaults={"block_id": start_after.block_id, "parent_id": "", "timestamp_ms": 0},
            )
    return cursor


def record_batch(
    network: str,
    batch: Sequence[FetchedBlock],
    watched: Container[str],
    *,
    after_block: AfterBlock | None = None,
) -> RecordOutcome:
    """Write the batch's transfers and blocks and move the cursor to its last block."""
    now = timezone.now()
    recorded = 0
    with transaction.atomic():
        cursor = ScanCursor.objects.select_for_update().get(network=network)
        first = batch[0].block
        if cursor.block_number != first.number - 1:
            raise CursorMoved(f"cursor at {cursor.block_number}, batch starts at {first.number}")
        for fetched in batch:
            found = transfers_in_block(fetched, watched)
            if found:
                recorded += store_block_transfers(network, fetched.block, found, now=now)
            if after_block is not None:
                after_block(fetched.block.number)
        ScannedBlock.objects.bulk_create(
            [
                ScannedBlock(
                    network=network,
                    number=f.block.number,
                    block_id=f.block.block_id,
                    parent_id=f.block.parent_id,
                    timestamp_ms=f.block.timestamp_ms,
                )
                for f in batch
            ]
        )
        last = batch[-1].block
        cursor.block_number = last.number
        cursor.block_id = last.block_id
        cursor.save(update_fields=["block_number", "block_id", "updated_at"])
    return RecordOutcome(blocks=len(batch), recorded=recorded)


def store_block_transfers(
    network: str,
    block: Block,
    found: Sequence[FoundTransfer],
    *,
    now: datetime,
    final: bool = False,
) -> int:
    """Insert the block's transfers not yet known; bring back ones a fork had dropped.

    ``final`` (rescans of solidified blocks) records them straight as final, publishing
    seen then final so handlers see the usual lifecycle. Returns how many changed.
    Must run inside the caller's transaction.
    """
    existing = {
        (row.txid, row.index): row
        for row in ChainTransfer.objects.select_for_update().filter(
            network=network, txid__in={f.txid for f in found}
        )
    }
    new_rows: list[ChainTransfer] = []
    changed: list[ChainTransfer] = []
    for item in found:
        row = existing.get((item.txid, item.index))
        if row is None:
            new_rows.append(_new_transfer(network, block, item, now))
        elif row.block_id == block.block_id and row.status != TransferStatus.DROPPED:
            if final and row.status == TransferStatus.SEEN:
                changed.append(row)  # a rescan confirming a seen transfer below the anchor
            continue
        elif row.status == TransferStatus.FINAL:
            logger.error(
                "final transfer %s:%d found again in block %s", row.txid, row.index, block.block_id
            )
        else:
            # Dropped by a fork (or seen in a block since replaced) and now in this block.
            row.block_number = block.number
            row.block_id = block.block_id
            row.block_timestamp_ms = block.timestamp_ms
            row.status = TransferStatus.SEEN
            row.seen_at = now
            row.dropped_at = None
            row.save(
                update_fields=[
                    "block_number",
                    "block_id",
                    "block_timestamp_ms",
                    "status",
                    "seen_at",
                    "dropped_at",
                    "updated_at",
                ]
            )
            publish_transfer_event(TransferEvent.of(row))
            changed.append(row)
    created = insert_transfers(new_rows)
    for row in created:
        publish_transfer_event(TransferEvent.of(row))
    if final:
        _mark_final([*created, *changed], now)
    return len(created) + len(changed)


def _new_transfer(network: str, block: Block, item: FoundTransfer, now: datetime) -> ChainTransfer:
    return ChainTransfer(
        network=network,
        txid=item.txid,
        index=item.index,
        block_number=block.number,
        block_id=block.block_id,
        block_timestamp_ms=block.timestamp_ms,
        asset=Asset.TRC20 if item.token_contract_hex else Asset.TRX,
        token_contract=hex_to_base58(item.token_contract_hex) if item.token_contract_hex else "",
        from_address=hex_to_base58(item.from_hex),
        to_address=hex_to_base58(item.to_hex),
        amount=item.amount,
        status=TransferStatus.SEEN,
        seen_at=now,
        updated_at=now,
    )


_INSERT_COLUMNS = (
    ("network", "varchar"),
    ("txid", "varchar"),
    ("index", "integer"),
    ("block_number", "bigint"),
    ("block_id", "varchar"),
    ("block_timestamp_ms", "bigint"),
    ("asset", "varchar"),
    ("token_contract", "varchar"),
    ("from_address", "varchar"),
    ("to_address", "varchar"),
    ("amount", "bigint"),
    ("status", "varchar"),
    ("seen_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)


def insert_transfers(rows: list[ChainTransfer]) -> list[ChainTransfer]:
    """Insert new transfer rows in one statement and set their primary keys.

    One ``INSERT … SELECT unnest(arrays)``: while catching up this runs for every block
    with hundreds of rows, and ``bulk_create``'s per-value SQL compilation was most of
    the scanner's time. RETURNING yields ids in insertion order, as bulk_create assumes.
    """
    if not rows:
        return rows
    table = connection.ops.quote_name(ChainTransfer._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name, _ in _INSERT_COLUMNS)
    arrays = ", ".join(f"%s::{kind}[]" for _, kind in _INSERT_COLUMNS)
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) RETURNING id"  # noqa: S608 - only our own identifiers are interpolated
    params = [[getattr(row, name) for row in rows] for name, _ in _INSERT_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = "default"
    return rows


def _mark_final(rows: Sequence[ChainTransfer], now: datetime) -> None:
    if not rows:
        return
    ChainTransfer.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=TransferStatus.FINAL, final_at=now, updated_at=now
    )
    for row in rows:
        row.status = TransferStatus.FINAL
        row.final_at = now
        publish_transfer_event(TransferEvent.of(row))


def finalized_anchor(network: str) -> int | None:
    """The highest block known solidified and matching what we scanned, if any."""
    return (
        ScannedBlock.objects.filter(network=network, solidified=True)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def finalize_through(network: str, number: int) -> int:
    """Mark transfers in blocks ``<= number`` final. The caller checked that our block
    ``number`` is the node's solidified block there; since stored blocks are linked by
    parent hashes, everything below it is on the solid chain too."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            ChainTransfer.objects.select_for_update()
            .filter(network=network, status=TransferStatus.SEEN, block_number__lte=number)
            .order_by("block_number", "txid", "index")
        )
        _mark_final(rows, now)
        ScannedBlock.objects.filter(network=network, number=number).update(solidified=True)
        # Older hashes are never needed again: forks cannot reach below the solid block.
        ScannedBlock.objects.filter(network=network, number__lt=number).delete()
    return len(rows)


def rewind_to(network: str, ancestor: BlockRef) -> int:
    """Forget blocks above ``ancestor`` (a fork replaced them): their seen transfers become
    dropped, the cursor moves back. Returns how many transfers were dropped."""
    now = timezone.now()
    with transaction.atomic():
        cursor = ScanCursor.objects.select_for_update().get(network=network)
        rows = list(
            ChainTransfer.objects.select_for_update()
            .filter(network=network, status=TransferStatus.SEEN, block_number__gt=ancestor.number)
            .order_by("block_number", "txid", "index")
        )
        if rows:
            ChainTransfer.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=TransferStatus.DROPPED, dropped_at=now, updated_at=now
            )
        for row in rows:
            row.status = TransferStatus.DROPPED
            row.dropped_at = now
            publish_transfer_event(TransferEvent.of(row))
        ScannedBlock.objects.filter(network=network, number__gt=ancestor.number).delete()
        cursor.block_number = ancestor.number
        cursor.block_id = ancestor.block_id
        cursor.save(update_fields=["block_number", "block_id", "updated_at"])
    logger.warning(
        "fork on %s: rewound to block %d, dropped %d transfers", network, ancestor.number, len(rows)
    )
    return len(rows)
