"""Identical transfers never share a transaction: fifty TRX transfers of the same amount
from one hot wallet to one address, sent at once through the wallet-manager API, are fifty
transactions on the devnet, each with its own txid, and no worker task fails on the way.
The recipient written in base58 or in hex is one recipient, and still two intents are two
transactions."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django_q.models import Failure
from django_q.tasks import async_task
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.test import APIClient

from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.addresses import to_hex
from lucid_payments.tron.models import OutgoingAttempt, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.contracts import trx_transfer
from lucid_payments.tron.outgoing.schedules import SWEEP_FUNC
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_sign
from lucid_payments.tron.signing import PrivateKeySigner
from tests.tron.conftest import SOLID_LAG, DevnetHandle, devnet  # noqa: F401 - the fixture
from tests.tron.outgoing.conftest import transfers_on_chain, trx_balance
from tests.wallets.chain_helpers import funded_hot_wallet
from tests.wallets.conftest import TEST_MASTER_KEY
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = [pytest.mark.devnet]

TRANSFERS = 50
CLIENTS = 10  # concurrent API clients, each with its own database connection
AMOUNT_SUN = 1_000_000
# A fresh address: never funded, so its balance is exactly what the transfers brought.
RECIPIENT = "TF8h2RjdwccAqJ6WEXPKfpP4TWpAyh7GWV"
RECIPIENT_HEX = to_hex(RECIPIENT).upper()


@pytest.fixture
def master_key(settings: SettingsWrapper) -> None:
    settings.LUCID_MASTER_KEY = TEST_MASTER_KEY
    settings.LUCID_MASTER_KEYS_RETIRED = []


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_transfers_in_parallel_are_fifty_transactions(
    devnet: DevnetHandle,  # noqa: F811 - the fixture imported above
    settings: SettingsWrapper,
    master_key: None,
) -> None:
    settings.TRON_TX_REBROADCAST_S = 0
    settings.TRON_OUTGOING_SWEEP_BUDGET_S = 0  # one sweep round per task run
    tenant = client_create(name="identical-transfers")
    _, api_key = api_key_create(client=tenant, name="probe", scopes=[Scope.WALLETS])
    setup = APIClient()
    setup.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    wallet = funded_hot_wallet(devnet, setup, tenant.pk, trx=200_000_000)
    url = f"/api/v1/wallets/{wallet['id']}/transfers"
    start = threading.Barrier(CLIENTS)

    def send_share(share: int) -> list[dict[str, Any]]:
        # Half the requests name the recipient in hex: the same address, the same transfer.
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
        answers = []
        try:
            start.wait()
            for index in range(share, TRANSFERS, CLIENTS):
                to = RECIPIENT if index % 2 else RECIPIENT_HEX
                response = api.post(
                    url,
                    {"to": to, "amount": {"amount": "1", "asset": "TRX"}},
                    format="json",
                    HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
                )
                answers.append({"status": response.status_code, "body": response.json()})
        finally:
            connection.close()
        return answers

    # Each accepted request commits and runs its worker task inline (django-q sync mode):
    # fifty signings racing for the same sender, recipient, amount and chain head.
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [a for share in pool.map(send_share, range(CLIENTS)) for a in share]
    assert [a["status"] for a in answers] == [202] * TRANSFERS, answers
    ids = [a["body"]["id"] for a in answers]

    devnet.mine(1 + SOLID_LAG)
    async_task(SWEEP_FUNC)  # the scheduled sweep, through the worker as in production

    outgoing = OutgoingTransaction.objects.filter(pk__in=ids)
    assert sorted(o.status for o in outgoing) == [OutgoingStatus.FINAL] * TRANSFERS
    txids = {o.txid for o in outgoing}
    assert len(txids) == TRANSFERS
    assert OutgoingAttempt.objects.filter(outgoing__in=ids).count() == TRANSFERS
    assert sorted(transfers_on_chain(devnet, RECIPIENT)) == sorted(txids)
    assert trx_balance(RECIPIENT) == TRANSFERS * AMOUNT_SUN
    assert list(Failure.objects.values_list("func", "result")) == []
    assert_ledger_consistent()


@pytest.mark.django_db
def test_one_recipient_in_base58_or_hex_is_one_transfer_yet_two_intents_get_two_txids(
    devnet: DevnetHandle,  # noqa: F811 - the fixture imported above
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
