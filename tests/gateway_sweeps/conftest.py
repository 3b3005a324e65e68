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
from lucid_payments.tron.outgoing.hooks import OutgoingStatus
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.gateway_invoices.conftest import (  # noqa: F401 - fixtures
    Tenant,
    devnet,
    final,
    keyed_tenant,
    next_owner_id,
    seen,
    test_master_key,
)
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.chain_helpers import run_reconcile
from wallets.models.wallets import WalletKind
from wallets.services import wallet_create

SUN = 1_000_000  # one TRX in SUN, one USDT in base units


@pytest.fixture
def tenant(db: None) -> Tenant:
    return keyed_tenant()


def wallet(
    tenant: Tenant,
    kind: str,
    *,
    funded_by: DevnetHandle | None = None,
    trx: int = 0,
    address: str | None = None,
) -> dict[str, Any]:
    """A new wallet of the tenant's (a cold one watches ``address``); with ``funded_by``,
    holding ``trx`` (final, credited to the client)."""
    created = wallet_create(kind=WalletKind(kind), client=tenant.client, watch_only_address=address)
    if funded_by is not None:
        funded_by.faucet(created.address, trx=trx)
        final(funded_by)
    return {"id": created.pk, "address": created.address}


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
    until_final(chain, sweep.outgoing_id)
    return sweep


def until_final(chain: DevnetHandle, outgoing_id: int) -> None:
    """Process and mine until our transaction is final (where the worker already sent it
    on commit, it may be further along than ``include`` expects)."""
    for _ in range(SOLID_LAG + 3):
        if outgoing_process(outgoing_id) == OutgoingStatus.FINAL:
            return
        chain.mine()
    raise AssertionError(f"outgoing {outgoing_id} is not final")


def run_pass() -> SweepPass:
    return sweeps_run(limit=50)


def books_agree() -> None:
    """``reconcile`` finds chain and ledger equal and ``ledger_verify`` passes."""
    run = run_reconcile()
    assert run.returncode == 0, (run.output, run.error)
    out = StringIO()
    call_command("ledger_verify", stdout=out)
