"""A worker signing copies one after another reads the chain's heads once per
``TRON_TX_REFERENCE_REUSE_S``, not twice per copy; 0 reads them for every copy."""

from __future__ import annotations

import pytest

from lucid_payments.tron.models import OutgoingStatus
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import CountingNode, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

COPIES = 4


def _sign_and_send(devnet: DevnetHandle, wallets: Wallets, key: str) -> CountingNode:
    node = CountingNode(devnet.url)
    try:
        for n in range(COPIES):
            call = contracts.trx_transfer(
                owner=wallets.sender.address, to=wallets.recipient, amount_sun=7 + n
            )
            outgoing = outgoing_create(call=call, reference=f"{key}:{n}", enqueue=False)
            assert outgoing_process(outgoing.pk, node=node) == OutgoingStatus.BROADCAST
    finally:
        node.close()
    return node


def test_copies_signed_in_a_burst_share_one_read_of_the_heads(
    devnet: DevnetHandle, wallets: Wallets, settings
) -> None:
    settings.TRON_TX_REFERENCE_REUSE_S = 60.0
    node = _sign_and_send(devnet, wallets, "burst")
    assert node.asked["walletsolidity/getnowblock"] == node.asked["wallet/getnowblock"] == 1
    devnet.mine(1)
    assert len(transfers_on_chain(devnet, wallets.recipient)) == COPIES  # all of them valid


def test_no_reuse_reads_the_heads_for_every_copy(
    devnet: DevnetHandle, wallets: Wallets, settings
) -> None:
    settings.TRON_TX_REFERENCE_REUSE_S = 0.0
    node = _sign_and_send(devnet, wallets, "each")
    assert node.asked["walletsolidity/getnowblock"] == node.asked["wallet/getnowblock"] == COPIES
