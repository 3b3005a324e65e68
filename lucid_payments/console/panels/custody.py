"""Custody per asset: what the ledger says we hold against what our addresses hold on
chain, from the latest reconcile run (with its time), and the ledger's figure now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lucid_payments.console.reconcile_runs import reconcile_run_last_attempt, reconcile_run_latest
from lucid_payments.core.admin_display import amount_text
from wallets.models.ledger import Bucket, LedgerAccount, OwnerType


def ledger_custody_now() -> dict[str, int]:
    """Per asset: what the ledger says the platform holds (its custody account, negated)."""
    rows = LedgerAccount.objects.filter(
        owner_type=OwnerType.PLATFORM, bucket=Bucket.CUSTODY
    ).values_list("asset", "balance")
    return {asset: -balance for asset, balance in rows}


def context(request: HttpRequest) -> dict[str, Any]:
    run = reconcile_run_latest()
    last = reconcile_run_last_attempt()
    now = ledger_custody_now()
    lines = []
    for line in run.lines if run is not None else []:
        asset = line["asset"]
        lines.append(
            {
                "asset": asset,
                "ledger_custody": amount_text(line["ledger_custody"], asset),
                "pending_in": amount_text(line["pending_in"], asset),
                "pending_out": amount_text(line["pending_out"], asset),
                "expected": amount_text(line["expected"], asset),
                "on_chain": amount_text(line["on_chain"], asset),
                "difference": amount_text(line["difference"], asset),
                "differs": line["difference"] != 0,
                "ledger_now": amount_text(now.get(asset, 0), asset),
                "addresses": line["addresses"],
            }
        )
    staked = None
    if run is not None and run.staked is not None:
        staked = {
            key: amount_text(run.staked[key], "TRX")
            for key in ("on_chain", "ledger_staked", "expected", "difference")
        }
        staked["differs"] = run.staked["difference"] != 0
    return {
        "run": run,
        "lines": lines,
        "staked": staked,
        # A newer attempt that failed is worth saying: the figures shown are older.
        "failed_since": last if last is not None and last != run else None,
    }
