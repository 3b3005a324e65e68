"""Reads of sweeps for the API, always scoped to the caller's client (another client's
sweep is a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.sweeps.models import Sweep
from lucid_payments.core.errors import NotFound


@dataclass(frozen=True)
class SweepPage:
    sweeps: list[Sweep]
    has_more: bool


def sweep_get(*, client_id: int, sweep_id: str) -> Sweep:
    sweep = (
        Sweep.objects.select_related("invoice")
        .filter(client_id=client_id, public_id=sweep_id)
        .first()
    )
    if sweep is None:
        raise NotFound("No such sweep.", code="sweep_not_found")
    return sweep


def sweep_page(
    *,
    client_id: int,
    limit: int,
    status: str | None = None,
    kind: str | None = None,
    asset: str | None = None,
    created_gte: datetime | None = None,
    created_lt: datetime | None = None,
    starting_after: str | None = None,
) -> SweepPage:
    """Newest first; ``starting_after`` (a sweep id of this client) continues after it."""
    sweeps = Sweep.objects.select_related("invoice").filter(client_id=client_id)
    for name, value in (("status", status), ("kind", kind), ("asset", asset)):
        if value is not None:
            sweeps = sweeps.filter(**{name: value})
    if created_gte is not None:
        sweeps = sweeps.filter(created_at__gte=created_gte)
    if created_lt is not None:
        sweeps = sweeps.filter(created_at__lt=created_lt)
    if starting_after is not None:
        sweeps = sweeps.filter(id__lt=sweep_get(client_id=client_id, sweep_id=starting_after).pk)
    rows = list(sweeps.order_by("-id")[: limit + 1])
    return SweepPage(rows[:limit], len(rows) > limit)
