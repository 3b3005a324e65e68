"""A sweep-shaped send from a customer's deposit address that only ever received USDT
(so it does not exist on chain yet): the policy activates it from the energy wallet
(costed), delegates exactly the estimate, and the sweep burns 0 TRX for energy."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from lucid_payments.accounts.services import customer_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.delegation import delegations
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import transaction_info
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.outgoing.contracts import trc20_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingStatus
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.usdt.conftest import SUN, staked_energy_wallet
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from usdt.energy.plan import energy_plan_for_usdt_send
from usdt.energy.policy import energy_for_usdt_send, energy_ready, energy_release
from usdt.models import DelegationStatus, EnergyMode
from wallets.custody import internal_reference
from wallets.fee_receipts import transaction_fee_record
from wallets.services import customer_deposit_address

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def test_a_sweep_from_an_unactivated_deposit_address_burns_no_trx_for_energy(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=2 * SUN, usdt=1 * SUN)  # a holder
    energy_wallet = staked_energy_wallet(devnet, trx=10_000)
    customer = customer_create(client=tenant, external_ref="c-1", actor=AuditActor.system("test"))
    deposit, _ = customer_deposit_address(customer=customer)
    devnet.faucet(deposit.address, usdt=50 * SUN)
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())  # credited to the customer; the address is still not activated
    assert not account(get_node(), deposit.address).exists

    plan = energy_plan_for_usdt_send(sender=deposit.address, to=hot["address"], amount=50 * SUN)
    assert plan.mode == EnergyMode.DELEGATED
    assert plan.energy == 64_285 and plan.activation_sun == settings.ENERGY_ACTIVATION_SUN
    purpose = internal_reference("sweep:test-1")
    with transaction.atomic():
        delegation = energy_for_usdt_send(plan=plan, purpose=purpose)
    assert delegation is not None and delegation.status == DelegationStatus.ACTIVATING
    assert not energy_ready(purpose=purpose)

    assert delegation.activation_outgoing_id is not None
    include(devnet, delegation.activation_outgoing_id)  # activated: now the delegation
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.DELEGATING
    assert delegation.delegate_outgoing_id is not None
    include(devnet, delegation.delegate_outgoing_id)
    assert energy_ready(purpose=purpose)

    trx_before = account(get_node(), deposit.address).balance_sun
    with transaction.atomic():
        sweep = outgoing_create(
            call=trc20_transfer(
                owner=deposit.address,
                token=plan.token_contract,
                to=hot["address"],
                amount=50 * SUN,
                fee_limit_sun=plan.fee_limit_sun,
            ),
            reference=purpose,
        )
    include(devnet, sweep.pk)
    finalize(devnet, sweep.pk)
    sweep.refresh_from_db()
    assert account(get_node(), deposit.address).balance_sun == trx_before  # 0 burned
    with transaction.atomic():
        energy_release(purpose=purpose, send_txid=sweep.txid)
        energy_release(purpose=purpose, send_txid=sweep.txid)  # safe twice
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMING and delegation.reclaim_attempts == 1
    assert delegation.reclaim_outgoing_id is not None
    include(devnet, delegation.reclaim_outgoing_id)
    finalize(devnet, delegation.reclaim_outgoing_id)
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMED
    node = get_node()
    assert delegations(node, source=energy_wallet.address, receiver=deposit.address).energy_sun == 0

    fee = transaction_fee_record(outgoing_id=sweep.pk)
    assert fee is not None
    assert (fee.energy_delegated, fee.energy_burned, fee.energy_burned_sun) == (64_285, 0, 0)
    # The policy's own transactions are costed too: the activation burns the chain's
    # account-creation fee (and its bandwidth), the delegation its bandwidth.
    for outgoing_id in (delegation.activation_outgoing_id, delegation.delegate_outgoing_id):
        assert outgoing_process(outgoing_id) == OutgoingStatus.FINAL
    activation = transaction_fee_record(outgoing_id=delegation.activation_outgoing_id)
    assert activation is not None
    info = transaction_info(node, activation.txid, solid=True)
    assert info is not None and activation.fee_sun == info.fee
    assert activation.activation_sun == resource_prices(node).create_account_sun
