"""Fixtures of the sweep tests: a tenant with a gateway+wallets key and a hot wallet, the
devnet, and helpers that pay an address, drive our transactions and check the books."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gateway.sweeps.models import Sweep
from gateway.sweeps.runner import SweepPass, sweeps_run
from lucid_payments.core.money import format_amount
from tests.gateway_invoices.conftest import (  # noqa: F401 - fixtures
    Tenant,
    devnet,
    final,
    keyed_tenant,
    next_owner_id,
    seen,
    test_master_key,
)
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import finalize, include, run_reconcile

SUN = 1_000_000  # one TRX in SUN, one USDT in base units


@pytest.fixture
def tenant(db: None) -> Tenant:
    return keyed_tenant()


def wallet(tenant: Tenant, kind: str, **body: Any) -> dict[str, Any]:
    response = tenant.api.post("/api/v1/wallets", {"kind": kind, **body}, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def paid_invoice(chain: DevnetHandle, tenant: Tenant, *, asset: str, units: int) -> dict[str, Any]:
    """An invoice of ``units`` paid in full by a genesis account, final and credited."""
    invoice = tenant.invoice(asset=asset, amount=format_amount(units, asset))
    chain.faucet(invoice["address"], **{asset.lower(): units})
    seen(chain)
    final(chain)
    assert tenant.get_invoice(invoice["id"])["status"] == "paid"
    return invoice


def sweep_through(chain: DevnetHandle, sweep: Sweep) -> Sweep:
    """Send the sweep's own transaction to final, then complete it with its costs."""
    sweep.refresh_from_db()
    assert sweep.outgoing_id is not None, sweep.status
    include(chain, sweep.outgoing_id)
    finalize(chain, sweep.outgoing_id)
    return sweep


def run_pass() -> SweepPass:
    return sweeps_run(limit=50)


def books_agree() -> None:
    """``reconcile`` finds chain and ledger equal and ``ledger_verify`` passes."""
    run = run_reconcile()
    assert run.returncode == 0, (run.output, run.error)
    out = StringIO()
    call_command("ledger_verify", stdout=out)
