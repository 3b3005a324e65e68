"""Helpers for the staking tests: ledger buckets of a client, the chain's view of a wallet,
and driving an operation's transaction through the outgoing machinery."""

from __future__ import annotations

from typing import Any

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter import accounts
from lucid_payments.tron.adapter.accounts import Account
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.scanner import BlockScanner, scan_once
from staking.models import StakingOperation
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import finalize, include
from wallets.models.ledger import Bucket, LedgerAccount, OwnerType
from wallets.reconcile import ReconcileReport, Verdict, reconcile

TRX = 1_000_000


def buckets(client_id: int) -> dict[str, int]:
    """The client's TRX per ledger bucket (available, held, staked), zero if unused."""
    found = {
        account.bucket: account.balance
        for account in LedgerAccount.objects.filter(
            owner_type=OwnerType.CLIENT, owner_id=client_id, asset=Asset.TRX
        )
    }
    return {
        bucket: found.get(bucket, 0) for bucket in (Bucket.AVAILABLE, Bucket.HELD, Bucket.STAKED)
    }


def chain_account(address: str) -> Account:
    return accounts.account(get_node(), address)


def settle(devnet: DevnetHandle, body: dict[str, Any]) -> StakingOperation:
    """Send the accepted operation ``body`` and make it final; returns it reloaded."""
    operation = StakingOperation.objects.get(pk=body["id"])
    include(devnet, operation.outgoing_id)
    finalize(devnet, operation.outgoing_id)
    operation.refresh_from_db()
    return operation


def reconciled() -> ReconcileReport:
    """Reconcile after the scanner read up to the head; asserts chain and ledger agree."""
    scan_once(BlockScanner())
    report = reconcile()
    assert report.verdict == Verdict.AGREE, report
    return report
