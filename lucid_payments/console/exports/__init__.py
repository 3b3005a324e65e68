"""Accounting exports: CSV of ledger entries, invoices and network costs for a date
range and (optionally) one client, streamed row by row from a database cursor so that a
year of entries never sits in memory. Other exports are added with
``export_register``; the admin page and ``manage.py export`` list what is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class ExportRange:
    start: datetime  # inclusive
    end: datetime  # exclusive
    client_id: int | None = None


@dataclass(frozen=True)
class Export:
    name: str
    title: str
    header: Sequence[str]
    # The rows, ordered, as a queryset (counted for progress, iterated with a cursor).
    queryset: Callable[[ExportRange], QuerySet[Any]]
    row: Callable[[Any], Sequence[object]]


_EXPORTS: dict[str, Export] = {}


def export_register(export: Export) -> None:
    _EXPORTS[export.name] = export


def export_get(name: str) -> Export:
    return _EXPORTS[name]


def exports_all() -> list[Export]:
    return list(_EXPORTS.values())


def export_rows(
    export: Export, span: ExportRange, *, chunk_size: int = 2000
) -> Iterator[Sequence[object]]:
    """The export's rows, read through a server-side cursor ``chunk_size`` at a time."""
    for obj in export.queryset(span).iterator(chunk_size=chunk_size):
        yield export.row(obj)


def register_builtin_exports() -> None:
    from lucid_payments.console.exports import invoices, ledger, network_costs, payouts

    export_register(ledger.EXPORT)
    export_register(invoices.EXPORT)
    export_register(network_costs.EXPORT)
    export_register(payouts.EXPORT)
