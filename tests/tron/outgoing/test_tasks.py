"""The django-q wiring: creation enqueues the work on commit; the sweep finishes the rest."""

from __future__ import annotations

import pytest

from lucid_payments.tron.models import OutgoingStatus
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.schedules import SWEEP_FUNC
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.tasks import outgoing_sweep_task
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def test_creation_enqueues_processing_only_when_the_caller_commits(
    devnet: DevnetHandle, wallets: Wallets, django_capture_on_commit_callbacks
) -> None:
    call = contracts.trx_transfer(owner=wallets.sender.address, to=wallets.recipient, amount_sun=99)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outgoing = outgoing_create(call=call, reference="task:1")
        outgoing.refresh_from_db()
        assert outgoing.status == OutgoingStatus.PENDING  # nothing ran before the commit
    assert len(callbacks) == 1
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingStatus.BROADCAST  # django-q runs inline in tests

    devnet.mine(1 + SOLID_LAG)
    ticks: list[float] = []
    processed = outgoing_sweep_task(monotonic=lambda: float(len(ticks)), sleep=ticks.append)
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingStatus.FINAL and processed >= 1
    assert transfers_on_chain(devnet, wallets.recipient) == [outgoing.txid]
    assert trx_balance(wallets.recipient) == 99


def test_sweep_with_nothing_in_flight_returns_at_once(devnet: DevnetHandle) -> None:
    def no_sleep(_seconds: float) -> None:
        raise AssertionError("the sweep should not wait when there is no work")

    assert outgoing_sweep_task(sleep=no_sleep) == 0


def test_the_sweep_is_scheduled_after_migrate() -> None:
    from django.apps import apps
    from django_q.models import Schedule

    from lucid_payments.core.schedules import schedules_ensure
    from lucid_payments.tron.outgoing.schedules import SCHEDULES

    schedules_ensure(SCHEDULES, apps=apps)
    schedules_ensure(SCHEDULES, apps=apps)  # twice: still one
    assert Schedule.objects.filter(func=SWEEP_FUNC).count() == 1
