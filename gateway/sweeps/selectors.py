"""Reads of sweeps for the API, always scoped to the caller's client (another client's
sweep is a 404)."""

from __future__ import annotations

from typing import TypedDict, Unpack

from gateway.sweeps.models import Sweep
from lucid_payments.core.errors import found
from lucid_payments.core.paging import Page, Window


def sweep_get(*, client_id: int, sweep_id: str) -> Sweep:
    sweep = (
        Sweep.objects.select_related("invoice")
        .filter(client_id=client_id, public_id=sweep_id)
        .first()
    )
    return found(sweep, "No such sweep.", code="sweep_not_found")


class SweepFilters(TypedDict, total=False):
    status: str
    kind: str
    asset: str


def sweep_page(*, client_id: int, window: Window, **filters: Unpack[SweepFilters]) -> Page[Sweep]:
    """Newest first; ``starting_after`` (a sweep id of this client) continues after it."""
    sweeps = Sweep.objects.select_related("invoice").filter(client_id=client_id, **filters)
    return window.page(sweeps, lambda after: sweep_get(client_id=client_id, sweep_id=after))
