"""A delegation on chain from the energy wallet that no record explains (say, a record
lost with a restored database) is undelegated by the repair task, once."""

from __future__ import annotations

import pytest
from django.db import transaction

from lucid_payments.tron.adapter.delegation import delegation_receivers, delegations
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.outgoing.contracts import generic_call
from lucid_payments.tron.outgoing.services import outgoing_create
from tests.tron.conftest import DevnetHandle
from tests.usdt.conftest import SUN, staked_energy_wallet
from tests.wallets.chain_helpers import finalize, include
from usdt.energy.repair import energy_delegations_repair
from usdt.models import DelegationStatus, EnergyDelegation

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECEIVER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_an_unexplained_delegation_on_chain_is_reclaimed_once(devnet: DevnetHandle) -> None:
    energy_wallet = staked_energy_wallet(devnet, trx=1_000)
    devnet.faucet(RECEIVER, trx=SUN)
    call = generic_call(
        contract_type="DelegateResourceContract",
        owner=energy_wallet.address,
        parameters={"receiver_address": RECEIVER, "balance": 7 * SUN, "resource": "ENERGY"},
    )
    with transaction.atomic():
        stray = outgoing_create(call=call, reference="stray-delegation")
    include(devnet, stray.pk)
    node = get_node()
    assert delegation_receivers(node, energy_wallet.address) == [RECEIVER]

    first = energy_delegations_repair()
    second = energy_delegations_repair()
    assert first.orphans == [RECEIVER] and second.orphans == []
    orphan = EnergyDelegation.objects.get()
    assert (orphan.amount_sun, orphan.status) == (7 * SUN, DelegationStatus.RECLAIMING)
    assert orphan.reclaim_outgoing_id is not None
    include(devnet, orphan.reclaim_outgoing_id)
    finalize(devnet, orphan.reclaim_outgoing_id)
    orphan.refresh_from_db()
    assert orphan.status == DelegationStatus.RECLAIMED
    assert delegations(node, source=energy_wallet.address, receiver=RECEIVER).energy_sun == 0
    assert delegation_receivers(node, energy_wallet.address) == []
