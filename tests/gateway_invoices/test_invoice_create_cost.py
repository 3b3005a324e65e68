"""What one invoice creation costs the database, and that a client's first invoices made
at once share one deposit wallet. A regression guard on statements sent, not a timing."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gateway.invoices.models import Invoice
from gateway.invoices.services import invoice_create
from lucid_payments.accounts.services import client_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from tests.gateway_invoices.conftest import Tenant
from tests.wallets.conftest import next_owner_id
from wallets.models.wallets import Wallet, WalletKind

# Authentication and rate limit (2), claiming the idempotency key with its lock (1),
# settings and the deposit wallet (2), the next index and its address (2), the watch (6),
# the invoice, its effect on the key, its audit row and its event (7), the webhook
# endpoints (1), the service's transaction (2), completing the record and its unlock (2).
# 44 before addresses came from the account's public key (no seed read) and the answer
# stopped looking up payments, refunds and the chain head a new invoice cannot have; 38
# before the index was taken by one UPDATE instead of a locked read and a save, and a new
# watched address stopped bumping the watch list's version; 35 before the key was claimed
# by one statement (lock and record together) instead of a read, a waiting lock in its own
# transaction, a second read and an insert.
MOST_STATEMENTS = 25


def test_an_invoice_creation_sends_a_bounded_number_of_statements(tenant: Tenant) -> None:
    tenant.invoice(amount="1")  # the deposit wallet exists from here on

    with CaptureQueriesContext(connection) as captured:
        tenant.invoice(amount="1")

    sent = [query["sql"] for query in captured.captured_queries]
    assert len(sent) <= MOST_STATEMENTS, "\n".join(sent)
    # The address comes from the stored public key: the seed is not read, let alone unsealed.
    assert not any("wallets_sealedsecret" in sql or "wallets_platformseed" in sql for sql in sent)


@pytest.mark.django_db(transaction=True)
def test_a_clients_first_invoices_made_at_once_share_one_deposit_wallet() -> None:
    client = client_create(name=f"invoices-race-{next_owner_id()}")
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def create() -> None:
        try:
            start.wait()
            invoice_create(
                client=client, asset=Asset.USDT, amount=1, actor=AuditActor.system("test")
            )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    wallet = Wallet.objects.get(client=client, kind=WalletKind.DEPOSIT)
    indexes = Invoice.objects.filter(client=client).values_list("address__index", flat=True)
    assert sorted(indexes) == [1, 2, 3, 4] and wallet.next_index == 5
