"""Every app's recurring tasks are registered one way: created after migrate when missing,
never changed when an operator has changed them in the admin."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from django_q.models import Schedule

from gateway.invoices.schedules import SCHEDULES as INVOICE_SCHEDULES
from gateway.sweeps.schedules import SCHEDULES as SWEEP_SCHEDULES
from gateway.webhooks.schedules import SCHEDULES as WEBHOOK_SCHEDULES
from lucid_payments.accounts.schedules import SCHEDULES as ACCOUNT_SCHEDULES
from lucid_payments.console.schedules import SCHEDULES as CONSOLE_SCHEDULES
from lucid_payments.core.schedules import SCHEDULES as CORE_SCHEDULES
from lucid_payments.core.schedules import RecurringTask
from lucid_payments.tron.outgoing.schedules import SCHEDULES as OUTGOING_SCHEDULES
from lucid_payments.tron.tasks import SCANNER_SCHEDULE
from payouts.schedules import SCHEDULES as PAYOUT_SCHEDULES
from usdt.schedules import SCHEDULES as USDT_SCHEDULES

pytestmark = pytest.mark.django_db

EVERY_TASK = [
    *CORE_SCHEDULES,
    *ACCOUNT_SCHEDULES,
    *OUTGOING_SCHEDULES,
    SCANNER_SCHEDULE,
    *USDT_SCHEDULES,
    *INVOICE_SCHEDULES,
    *WEBHOOK_SCHEDULES,
    *SWEEP_SCHEDULES,
    *PAYOUT_SCHEDULES,
    *CONSOLE_SCHEDULES,
]


def _migrate_again() -> None:
    """What ``migrate`` sends at its end: every app's post_migrate receivers run."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", apps=apps)


def test_after_migrate_every_apps_task_has_exactly_one_schedule() -> None:
    _migrate_again()
    for task in EVERY_TASK:
        [schedule] = Schedule.objects.filter(func=task.func)
        assert (schedule.name, schedule.schedule_type, schedule.repeats) == (
            task.name,
            task.schedule_type,
            -1,
        )
        assert schedule.minutes == task.minutes


@pytest.mark.parametrize("task", EVERY_TASK, ids=lambda task: task.func.rsplit(".", 1)[1])
def test_an_operators_changes_survive_the_next_migrate(task: RecurringTask) -> None:
    func = task.func
    Schedule.objects.filter(func=func).update(
        name="retimed by the operator", schedule_type=Schedule.MINUTES, minutes=7, repeats=0
    )

    _migrate_again()

    [schedule] = Schedule.objects.filter(func=func)
    assert (schedule.name, schedule.minutes, schedule.repeats) == ("retimed by the operator", 7, 0)


def test_a_deleted_schedule_comes_back_at_the_next_migrate() -> None:
    Schedule.objects.filter(func=SCANNER_SCHEDULE.func).delete()
    _migrate_again()
    assert Schedule.objects.filter(func=SCANNER_SCHEDULE.func).count() == 1
