"""The dashboard's chain reading: what the schedule stores, on the devnet and when the
node does not answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django_q.models import Schedule

from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.roles import SUPPORT
from lucid_payments.console.schedules import CHAIN_READ_FUNC
from lucid_payments.console.tasks import console_chain_read_task
from tests.console.conftest import make_staff
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from tests.wallets.conftest import devnet, unreachable_node, wallets_api  # noqa: F401

pytestmark = pytest.mark.django_db  # the test URLconf serves the API and the admin


def test_the_reading_is_scheduled() -> None:
    assert Schedule.objects.filter(func=CHAIN_READ_FUNC, repeats=-1).exists()


@pytest.mark.devnet
def test_a_reading_stores_the_heads_and_each_wallet_and_reconciles(
    devnet: DevnetHandle,  # noqa: F811
    wallets_api: tuple[Any, Any],  # noqa: F811
) -> None:
    tenant, api = wallets_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=3_000_000, usdt=4_000_000)

    assert console_chain_read_task().startswith("node reading")

    reading = NodeReading.objects.get()
    assert reading.error == "" and reading.solid_block <= reading.head_block
    (row,) = reading.wallets
    assert (row["address"], row["kind"], row["trx_sun"], row["usdt_units"]) == (
        wallet["address"],
        "hot",
        3_000_000,
        4_000_000,
    )
    run = ReconcileRun.objects.get()
    assert (run.source, run.verdict) == ("schedule", "agree")
    assert {line["asset"]: line["on_chain"] for line in run.lines} == {
        "TRX": 3_000_000,
        "USDT": 4_000_000,
    }


def test_a_node_that_does_not_answer_is_recorded_and_counted(
    unreachable_node: str,  # noqa: F811
) -> None:
    console_chain_read_task()

    reading = NodeReading.objects.get()
    assert reading.error and reading.head_block is None
    run = ReconcileRun.objects.get()
    assert run.verdict == ReconcileRun.Verdict.FAILED and run.error
    http = HttpClient()
    http.force_login(make_staff("sue", SUPPORT))
    page = http.get("/admin/").content.decode()
    assert 'id="chain-node-errors">1<' in page
    assert "No reconcile yet" in page and "could not compare" in page
