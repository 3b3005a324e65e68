"""The usdt app's recurring tasks, registered after every migrate (like the outgoing
sweep): the energy repair, the catch-up of transfers whose energy is ready, and the fee
accounting's catch-up (``wallets.tasks``). An existing schedule of the same function is
left alone: an operator may have retimed it in the admin."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps

from lucid_payments.core.schedules import ensure_minutely_schedules

SCHEDULES = {
    "usdt.tasks.energy_delegations_repair_task": "Reclaim energy delegations left open",
    "usdt.tasks.usdt_transfers_send_ready_task": "Send USDT transfers whose energy is ready",
    "wallets.tasks.transaction_fees_catch_up_task": "Record the fees of our transactions",
}


def ensure_usdt_schedules(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    ensure_minutely_schedules(SCHEDULES, apps=apps, using=using)
