"""The usdt app's recurring tasks (registered by ``core.schedules``): the energy repair,
the catch-up of transfers whose energy is ready, and the fee accounting's catch-up
(``wallets.tasks``)."""

from __future__ import annotations

from lucid_payments.core.schedules import RecurringTask

SCHEDULES = (
    RecurringTask.every_minute(
        "usdt.tasks.energy_delegations_repair_task", "Reclaim energy delegations left open"
    ),
    RecurringTask.every_minute(
        "usdt.tasks.usdt_transfers_send_ready_task", "Send USDT transfers whose energy is ready"
    ),
    RecurringTask.every_minute(
        "wallets.tasks.transaction_fees_catch_up_task", "Record the fees of our transactions"
    ),
)
