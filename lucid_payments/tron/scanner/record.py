"""Database side of the scanner: record a batch, finalize, rewind after a fork.

Each function is one transaction and makes no network call. Status changes publish a
``TransferEvent`` inside that transaction (see ``lucid_payments.tron.hooks``). Callers
hold the network's scanner lock, so "read existing rows, then insert the rest" cannot
race with another writer; the unique constraint is the backstop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lucid_payments.tron.adapter.types import Block, BlockRef
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.hooks import TransferEvent, has_subscribers, publish_transfer_events
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


MAX_BLOCK_NUMBER = 2**63 - 1


class CursorMoved(Exception):
    """The cursor is not where this batch expects it: another writer got there first."""


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    blocks: int
    recorded: int  # transfers newly seen, or seen again after a drop
    finalized: int = 0  # transfers that became final in the same transaction


@dataclass(frozen=True, slots=True)
class Stored:
    changed: int  # transfers inserted, revived or confirmed
    finalized: int  # of those (and of no others), how many are now final


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
    final_through: int = -1,
    after_block: AfterBlock | None = None,
) -> RecordOutcome:
    """Write the batch's transfers and blocks and move the cursor to its last block.

    ``final_through`` is the highest block of the batch the caller checked against the
    node's solid chain (-1: none). Transfers at or below it are written straight as final
    (one write per row instead of an insert now and an UPDATE later, which is most of
    the database's work while catching up); since our blocks are linked by parent hashes,
    whatever earlier batches left seen is on the solid chain too and is finalized first.
    """
    now = timezone.now()
    with transaction.atomic():
        cursor = ScanCursor.objects.select_for_update().get(network=network)
        first = batch[0].block
        if cursor.block_number != first.number - 1:
            raise CursorMoved(f"cursor at {cursor.block_number}, batch starts at {first.number}")
        earlier = 0
        if final_through >= first.number:
            earlier = _set_status(
                TransferStatus.FINAL, now, network=network, block_range=(0, first.number - 1)
            )
        stored = store_transfers(
            network,
            [(fetched.block, transfers_in_block(fetched, watched)) for fetched in batch],
            now=now,
            final_through=final_through,
            after_block=after_block,
        )
        # Below the solid block no hash is ever needed again (forks cannot reach there),
        # so only the solid anchor and the blocks above it are kept, as finalize_through
        # would leave them.
        ScannedBlock.objects.bulk_create(
            [
                ScannedBlock(
                    network=network,
                    number=f.block.number,
                    block_id=f.block.block_id,
                    parent_id=f.block.parent_id,
                    timestamp_ms=f.block.timestamp_ms,
                    solidified=f.block.number == final_through,
                )
                for f in batch
                if f.block.number >= final_through
            ]
        )
        if final_through >= first.number:
            ScannedBlock.objects.filter(network=network, number__lt=final_through).delete()
        last = batch[-1].block
        cursor.block_number = last.number
        cursor.block_id = last.block_id
        cursor.save(update_fields=["block_number", "block_id", "updated_at"])
    return RecordOutcome(
        blocks=len(batch), recorded=stored.changed, finalized=earlier + stored.finalized
    )


BlockTransfers = tuple[Block, Sequence[FoundTransfer]]


def store_transfers(
    network: str,
    blocks: Sequence[BlockTransfers],
    *,
    now: datetime,
    final_through: int = -1,
    after_block: AfterBlock | None = None,
) -> Stored:
    """Insert the blocks' transfers not yet known; bring back ones a fork had dropped.

    A handful of statements for the whole batch, whatever its size: on a busy database
    each round trip costs more than the rows it carries. Transfers of blocks at or below
    ``final_through`` (checked solid by the caller) are written straight as final, and
    seen transfers already recorded in such a block are confirmed final. Events are
    published block by block, in chain order: the block's seen events, then its final
    ones, so handlers see the usual lifecycle; ``after_block`` runs after each block's
    events. Must run inside the caller's transaction.
    """
    txids = list({item.txid for _, found in blocks for item in found})
    existing = _existing_transfers(network, txids) if txids else {}
    new_rows: list[tuple[Block, FoundTransfer]] = []
    revived: dict[int, list[ChainTransfer]] = {}  # block number -> rows seen again
    confirmed: list[int] = []
    for block, found in blocks:
        final = block.number <= final_through
        for item in found:
            known = existing.get((item.txid, item.index))
            if known is None:
                new_rows.append((block, item))
                continue
            pk, status, block_id = known
            if block_id == block.block_id and status != TransferStatus.DROPPED:
                if final and status == TransferStatus.SEEN:
                    confirmed.append(pk)  # seen earlier, its block now known solid
            elif status == TransferStatus.FINAL:
                logger.error(
                    "final transfer %s:%d found again in block %s",
                    item.txid,
                    item.index,
                    block.block_id,
                )
            else:
                revived.setdefault(block.number, []).append(_revive(pk, block, now, final=final))
    inserted = insert_transfers(network, new_rows, now=now, final_through=final_through)
    confirmed_rows = _update_status(TransferStatus.FINAL, now, ids=confirmed)
    if has_subscribers():
        _publish_by_block(blocks, inserted, revived, confirmed_rows, final_through, after_block)
    elif after_block is not None:
        for block, _ in blocks:
            after_block(block.number)
    revived_rows = [row for rows in revived.values() for row in rows]
    return Stored(
        changed=len(inserted) + len(revived_rows) + len(confirmed_rows),
        finalized=sum(1 for row in inserted if row[12] == TransferStatus.FINAL.value)
        + sum(1 for row in revived_rows if row.status == TransferStatus.FINAL)
        + len(confirmed_rows),
    )


def _publish_by_block(
    blocks: Sequence[BlockTransfers],
    inserted: Sequence[tuple[object, ...]],
    revived: dict[int, list[ChainTransfer]],
    confirmed: Sequence[tuple[object, ...]],
    final_through: int,
    after_block: AfterBlock | None,
) -> None:
    seen, final = TransferStatus.SEEN.value, TransferStatus.FINAL.value
    inserted_by_block = _rows_by_block(inserted)
    confirmed_by_block = _rows_by_block(confirmed)
    for block, _ in blocks:
        rows = inserted_by_block.get(block.number, ())
        brought_back = revived.get(block.number, ())
        events = [_event(seen, row) for row in rows]
        events += [replace(TransferEvent.of(transfer), status=seen) for transfer in brought_back]
        if block.number <= final_through:
            events += [_event(final, row) for row in rows]
            events += [TransferEvent.of(transfer) for transfer in brought_back]
            events += [_event(final, row) for row in confirmed_by_block.get(block.number, ())]
        publish_transfer_events(events)
        if after_block is not None:
            after_block(block.number)


def _rows_by_block(rows: Sequence[tuple[object, ...]]) -> dict[int, list[tuple[object, ...]]]:
    """Rows in ``_COPY_COLUMNS`` order grouped by their block number."""
    by_block: dict[int, list[tuple[object, ...]]] = {}
    for row in rows:
        by_block.setdefault(int(row[4]), []).append(row)  # type: ignore[call-overload]
    return by_block


def _existing_transfers(
    network: str, txids: list[str]
) -> dict[tuple[str, int], tuple[int, str, str]]:
    """(txid, index) -> (id, status, block_id) of known transfers, locked.

    One array parameter instead of ``txid__in``: Django prepares each of the thousands of
    values of a catch-up batch one by one."""
    table = connection.ops.quote_name(ChainTransfer._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT id, txid, "index", status, block_id FROM {table} '  # noqa: S608 - our identifiers only
            "WHERE network = %s AND txid = ANY(%s) FOR UPDATE",
            [network, txids],
        )
        return {
            (txid, index): (pk, status, block_id) for pk, txid, index, status, block_id in cursor
        }


def _revive(pk: int, block: Block, now: datetime, *, final: bool) -> ChainTransfer:
    """A transfer dropped by a fork (or seen in a block since replaced), now in ``block``;
    ``final`` if that block is known solid."""
    row = ChainTransfer.objects.get(pk=pk)
    row.block_number = block.number
    row.block_id = block.block_id
    row.block_timestamp_ms = block.timestamp_ms
    row.status = TransferStatus.FINAL if final else TransferStatus.SEEN
    row.seen_at = now
    row.final_at = now if final else None
    row.dropped_at = None
    row.save(
        update_fields=[
            "block_number",
            "block_id",
            "block_timestamp_ms",
            "status",
            "seen_at",
            "final_at",
            "dropped_at",
            "updated_at",
        ]
    )
    return row


_COPY_COLUMNS = (
    "id",
    "network",
    "txid",
    "index",
    "block_number",
    "block_id",
    "block_timestamp_ms",
    "asset",
    "token_contract",
    "from_address",
    "to_address",
    "amount",
    "status",
    "seen_at",
    "updated_at",
    "final_at",
)


# Binary COPY: PostgreSQL parses no text (three timestamps a row were most of it).
_COPY_TYPES = (
    "int8",
    "text",
    "text",
    "int4",
    "int8",
    "text",
    "int8",
    "text",
    "text",
    "text",
    "text",
    "int8",
    "text",
    "timestamptz",
    "timestamptz",
    "timestamptz",
)


def insert_transfers(
    network: str,
    items: Sequence[tuple[Block, FoundTransfer]],
    *,
    now: datetime,
    final_through: int = -1,
) -> list[tuple[object, ...]]:
    """Insert new transfers as seen, or as final in blocks at or below ``final_through``;
    return the rows written (``_COPY_COLUMNS`` order).

    Ids come from the table's sequence first, then the rows go in by COPY: building
    model instances and INSERT parameters was most of the scanner's time.
    """
    if not items:
        return []
    table = ChainTransfer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(items)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        rows = [
            _copy_row(pk, network, block, item, now, final=block.number <= final_through)
            for pk, (block, item) in zip(ids, items, strict=True)
        ]
        columns = ", ".join(connection.ops.quote_name(name) for name in _COPY_COLUMNS)
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(_COPY_TYPES)
            for row in rows:
                copy.write_row(row)
    return rows


def _copy_row(
    pk: int, network: str, block: Block, item: FoundTransfer, now: datetime, *, final: bool
) -> tuple[object, ...]:
    token = item.token_contract_hex
    return (
        pk,
        network,
        item.txid,
        item.index,
        block.number,
        block.block_id,
        block.timestamp_ms,
        Asset.TRC20.value if token else Asset.TRX.value,
        hex_to_base58(token) if token else "",
        hex_to_base58(item.from_hex),
        hex_to_base58(item.to_hex),
        item.amount,
        TransferStatus.FINAL.value if final else TransferStatus.SEEN.value,
        now,
        now,
        now if final else None,
    )


def _event(status: str, row: tuple[object, ...]) -> TransferEvent:
    """An event from a row in ``_COPY_COLUMNS`` order (also ``_RETURNING`` order)."""
    (
        pk,
        network,
        txid,
        index,
        block_number,
        block_id,
        _ts,
        asset,
        token,
        sender,
        recipient,
        amount,
    ) = row[:12]
    return TransferEvent(
        status=status,
        transfer_id=int(pk),  # type: ignore[call-overload]
        network=str(network),
        txid=str(txid),
        index=int(index),  # type: ignore[call-overload]
        asset=str(asset),
        token_contract=str(token),
        from_address=str(sender),
        to_address=str(recipient),
        amount=int(amount),  # type: ignore[call-overload]
        block_number=int(block_number),  # type: ignore[call-overload]
        block_id=str(block_id),
    )


_RETURNING = ", ".join(f'"{name}"' for name in _COPY_COLUMNS[:12])
_STAMP_COLUMN = {
    TransferStatus.FINAL: "final_at",
    TransferStatus.DROPPED: "dropped_at",
}


def _set_status(
    status: TransferStatus,
    now: datetime,
    *,
    network: str = "",
    block_range: tuple[int, int],
) -> int:
    """Move seen transfers in ``network`` with block number in ``block_range``
    (inclusive) to ``status``, publishing an event per row in chain order. Returns how
    many moved."""
    rows = _update_status(status, now, network=network, block_range=block_range)
    publish_transfer_events([_event(status.value, row) for row in rows])
    return len(rows)


def _update_status(
    status: TransferStatus,
    now: datetime,
    *,
    ids: Sequence[int] | None = None,
    network: str = "",
    block_range: tuple[int, int] | None = None,
) -> list[tuple[Any, ...]]:
    """Move seen transfers (given ``ids``, or by ``network`` and ``block_range``) to
    ``status`` in one UPDATE … RETURNING; the rows (``_RETURNING`` order) in chain order."""
    table = connection.ops.quote_name(ChainTransfer._meta.db_table)
    stamp = _STAMP_COLUMN[status]
    params: list[Any]
    if ids is not None:
        if not ids:
            return []
        where, params = "id = ANY(%s)", [list(ids)]
    else:
        assert block_range is not None
        where = "network = %s AND block_number BETWEEN %s AND %s"
        params = [network, *block_range]
    sql = (
        f"UPDATE {table} SET status = %s, {stamp} = %s, updated_at = %s "  # noqa: S608 - our identifiers only
        f"WHERE status = %s AND {where} RETURNING {_RETURNING}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [status.value, now, now, TransferStatus.SEEN.value, *params])
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[4], row[2], row[3]))  # block, txid, index
    return rows


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
        finalized = _set_status(TransferStatus.FINAL, now, network=network, block_range=(0, number))
        ScannedBlock.objects.filter(network=network, number=number).update(solidified=True)
        # Older hashes are never needed again: forks cannot reach below the solid block.
        ScannedBlock.objects.filter(network=network, number__lt=number).delete()
    return finalized


def rewind_to(network: str, ancestor: BlockRef) -> int:
    """Forget blocks above ``ancestor`` (a fork replaced them): their seen transfers become
    dropped, the cursor moves back. Returns how many transfers were dropped."""
    now = timezone.now()
    with transaction.atomic():
        cursor = ScanCursor.objects.select_for_update().get(network=network)
        dropped = _set_status(
            TransferStatus.DROPPED,
            now,
            network=network,
            block_range=(ancestor.number + 1, MAX_BLOCK_NUMBER),
        )
        ScannedBlock.objects.filter(network=network, number__gt=ancestor.number).delete()
        cursor.block_number = ancestor.number
        cursor.block_id = ancestor.block_id
        cursor.save(update_fields=["block_number", "block_id", "updated_at"])
    logger.warning(
        "fork on %s: rewound to block %d, dropped %d transfers", network, ancestor.number, dropped
    )
    return dropped
