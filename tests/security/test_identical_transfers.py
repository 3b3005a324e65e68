"""Identical transfers never share a transaction (the probe's collision, replayed).

A tenant over real HTTP (Django's live server) sends fifty TRX transfers of the same
amount from one hot wallet to one address, ten at a time; each accepted request runs its
worker task inline (django-q's sync mode), so fifty signings race for the same sender,
recipient, amount and head block. Before the fix they shared txids: the worker failed on
``tron_attempt_txid_unique`` and the sweep failed every minute. Now each is its own
transaction on the devnet and no task fails. The recipient written in base58 or in hex is
one recipient, and still two intents are two transactions.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import Failure
from django_q.tasks import async_task
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.addresses import to_hex
from lucid_payments.tron.models import OutgoingAttempt, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.contracts import trx_transfer
from lucid_payments.tron.outgoing.schedules import SWEEP_FUNC
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_sign
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.signing import PrivateKeySigner
from tests.security.tenants import Tenant
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import transfers_on_chain, trx_balance
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = [pytest.mark.devnet]

TRANSFERS = 50
CLIENTS = 10  # concurrent HTTP clients
AMOUNT_SUN = 1_000_000
# A fresh address: never funded, so its balance is exactly what the transfers brought.
RECIPIENT = "TF8h2RjdwccAqJ6WEXPKfpP4TWpAyh7GWV"
RECIPIENT_HEX = to_hex(RECIPIENT).upper()


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_transfers_in_parallel_are_fifty_transactions(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant], settings: SettingsWrapper
) -> None:
    settings.TRON_TX_REBROADCAST_S = 0
    settings.TRON_OUTGOING_SWEEP_BUDGET_S = 0  # one sweep round per task run
    alice, _ = tenants
    scanner = BlockScanner()
    hot = alice.wallet("hot")
    devnet.faucet(hot["address"], trx=200_000_000)
    devnet.mine(SOLID_LAG + 1)
    scan_once(scanner)  # credits alice once final
    start = threading.Barrier(CLIENTS)

    def send_share(share: int) -> list[int]:
        start.wait()
        # Half name the recipient in hex: the same address, the same transfer.
        return [
            alice.transfer_trx(hot["id"], RECIPIENT if index % 2 else RECIPIENT_HEX, "1")
            for index in range(share, TRANSFERS, CLIENTS)
        ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        ids = [i for share in pool.map(send_share, range(CLIENTS)) for i in share]
    assert len(set(ids)) == TRANSFERS

    devnet.mine(SOLID_LAG + 1)
    async_task(SWEEP_FUNC)  # the scheduled sweep, through the worker as in production
    scan_once(scanner)

    outgoing = OutgoingTransaction.objects.filter(pk__in=ids)
    assert sorted(o.status for o in outgoing) == [OutgoingStatus.FINAL] * TRANSFERS
    txids = {o.txid for o in outgoing}
    assert len(txids) == TRANSFERS
    assert OutgoingAttempt.objects.filter(outgoing__in=ids).count() == TRANSFERS
    assert sorted(transfers_on_chain(devnet, RECIPIENT)) == sorted(txids)
    assert trx_balance(RECIPIENT) == TRANSFERS * AMOUNT_SUN
    assert list(Failure.objects.values_list("func", "result")) == []
    out = StringIO()
    call_command("reconcile", stdout=out)  # raises CommandError on any difference
    assert "no difference" in out.getvalue(), out.getvalue()
    assert_ledger_consistent()


@pytest.mark.django_db
def test_one_recipient_in_base58_or_hex_is_one_transfer_yet_two_intents_get_two_txids(
    devnet: DevnetHandle,
) -> None:
    account = devnet.accounts[1]
    signer = PrivateKeySigner(bytes.fromhex(account.private_key))
    calls = [
        trx_transfer(owner=account.address, to=to, amount_sun=AMOUNT_SUN)
        for to in (RECIPIENT, RECIPIENT_HEX, RECIPIENT_HEX.lower(), f"  {RECIPIENT} ")
    ]
    assert all(call == calls[0] for call in calls)
    assert calls[0].parameters["to_address"] == to_hex(RECIPIENT)

    first = outgoing_create(call=calls[0], reference="same:1", enqueue=False)
    second = outgoing_create(call=calls[1], reference="same:2", enqueue=False)
    assert first.parameters == second.parameters
    copies = [outgoing_sign(o.pk, node=get_node(), signer=signer) for o in (first, second)]
    assert copies[0] is not None and copies[1] is not None
    assert copies[0].txid != copies[1].txid
    # Built against the same head block: only the timestamp tells them apart.
    differing = {
        key
        for key in copies[0].raw_data.keys() | copies[1].raw_data.keys()
        if copies[0].raw_data.get(key) != copies[1].raw_data.get(key)
    }
    assert differing == {"timestamp"}
