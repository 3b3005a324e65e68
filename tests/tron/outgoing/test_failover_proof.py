"""Proving a copy dead needs one node: a lagging failover node must not make us resend.

The solidified head (past the copy's expiration) and the lookup of the copy's txid must
come from the same node. Here the first node holds the transaction, then starts
answering 503; the second node is a separate chain that never saw it. Were the lookup
allowed to fail over, "past expiration and not found" would build a second copy.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devnet.testing import running_devnet
from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.node import get_node, reset_node
from lucid_payments.tron.models import AttemptStatus, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

AMOUNT = 3_141_592
SHORT_EXPIRATION_MS = 6_000  # two devnet blocks


@pytest.fixture
def lagging_node_second(devnet: DevnetHandle, settings) -> Iterator[str]:
    """TRON_NODE_URLS = [the test's devnet, a second devnet that lags far behind]."""
    with running_devnet(solid_lag=SOLID_LAG) as lagging:
        settings.TRON_NODE_URLS = [devnet.url, lagging.url]
        settings.TRON_NODE_MAX_ATTEMPTS = 3
        reset_node()
        yield lagging.url
    reset_node()


def test_a_copy_is_not_declared_dead_from_a_lagging_failover_node(
    devnet: DevnetHandle, wallets: Wallets, settings, lagging_node_second: str
) -> None:
    settings.TRON_TX_EXPIRATION_MS = SHORT_EXPIRATION_MS
    outgoing = outgoing_create(
        call=contracts.trx_transfer(
            owner=wallets.sender.address, to=wallets.recipient, amount_sun=AMOUNT
        ),
        reference="failover-proof",
        enqueue=False,
    )
    assert outgoing_process(outgoing.pk) == OutgoingStatus.BROADCAST
    devnet.mine(3 + SOLID_LAG)  # included, solidified, and the solid head is past expiry

    # A sweep reads the solidified head, then the first node starts failing.
    node = get_node()
    solid_head = reads.now_block(node, solid=True)
    devnet.faults(http_error={"status": 503, "requests": 50})
    outgoing_process(outgoing.pk, node=node, solid_head=solid_head)

    outgoing.refresh_from_db()
    assert outgoing.attempts.count() == 1, "a second copy was built from a lagging node"
    assert outgoing.attempts.get().status != AttemptStatus.EXPIRED

    devnet.clear_faults()
    reset_node()  # back to the first node, as an operator's config would be
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL
    assert transfers_on_chain(devnet, wallets.recipient) == [
        OutgoingTransaction.objects.get(pk=outgoing.pk).txid
    ]
    assert trx_balance(wallets.recipient) == AMOUNT
