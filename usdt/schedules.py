"""The usdt app's recurring tasks, registered after every migrate (like the outgoing
sweep): the energy repair, the catch-up of transfers whose energy is ready, and the fee
accounting's catch-up (``wallets.tasks``). An existing schedule of the same function is
left alone: an operator may have retimed it in the admin."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

SCHEDULES = {
    "usdt.tasks.energy_delegations_repair_task": "Reclaim energy delegations left open",
    "usdt.tasks.usdt_transfers_send_ready_task": "Send USDT transfers whose energy is ready",
    "wallets.tasks.transaction_fees_catch_up_task": "Record the fees of our transactions",
}


def ensure_usdt_schedules(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    registry = apps or global_apps
    try:
        schedule = registry.get_model("django_q", "Schedule")
    except LookupError:  # django_q not migrated (yet) in this database
        return
    for func, name in SCHEDULES.items():
        if not schedule.objects.using(using).filter(func=func).exists():
            schedule.objects.using(using).create(
                name=name, func=func, schedule_type="I", minutes=1, repeats=-1
            )
