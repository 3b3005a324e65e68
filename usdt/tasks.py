"""django-q entry points of the usdt app (thin: each calls one service)."""

from __future__ import annotations

from usdt.energy.repair import energy_delegations_repair
from usdt.transfers import usdt_transfers_send_ready


def energy_delegations_repair_task() -> str:
    return str(energy_delegations_repair())


def usdt_transfers_send_ready_task() -> int:
    return usdt_transfers_send_ready()
