"""Devnet helpers for the wallets tests: fund a hot wallet on chain (credited when final),
drive an outgoing transaction to final, run ``reconcile`` and read its verdict."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command

from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances


def funded_hot_wallet(
    devnet: DevnetHandle, api: Any, client_id: int, *, trx: int = 0, usdt: int = 0
) -> dict[str, Any]:
    """A new hot wallet holding ``trx``/``usdt`` on chain, sent from outside and credited
    to the client by the platform itself once final, so chain and ledger start equal."""
    wallet: dict[str, Any] = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    devnet.faucet(wallet["address"], trx=trx, usdt=usdt)
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())
    owner = LedgerOwner.client(client_id)
    balances = {b.asset: b.available for b in owner_balances(owner=owner)}
    assert balances.get(Asset.TRX, 0) >= trx and balances.get(Asset.USDT, 0) >= usdt, balances
    return wallet


def send_trx(api: Any, wallet_id: int, to: str, key: str) -> OutgoingTransaction:
    """Two TRX from a hot wallet through the wallets API: the recorded transaction."""
    response = api.post(
        f"/api/v1/wallets/{wallet_id}/transfers",
        {"to": to, "amount": {"amount": "2", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 202, response.content
    return OutgoingTransaction.objects.get(pk=response.json()["id"])


def include(devnet: DevnetHandle, outgoing_id: int) -> None:
    """Sign and broadcast, then put it in a block that is not solidified yet."""
    outgoing_process(outgoing_id)
    devnet.mine()
    assert outgoing_process(outgoing_id) == OutgoingStatus.CONFIRMED


def finalize(devnet: DevnetHandle, outgoing_id: int) -> None:
    """From included to final: let the block solidify and track it."""
    devnet.mine(SOLID_LAG)
    assert outgoing_process(outgoing_id) == OutgoingStatus.FINAL


@dataclass(frozen=True)
class ReconcileRun:
    returncode: int
    output: str
    error: str


def run_reconcile(*, scan_first: bool = True) -> ReconcileRun:
    """``manage.py reconcile`` after the scanner has read up to the head (unless told not
    to), with its exit status."""
    if scan_first:
        scan_once(BlockScanner())
    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except CommandError as exc:
        return ReconcileRun(exc.returncode, out.getvalue(), str(exc))
    return ReconcileRun(0, out.getvalue(), "")
