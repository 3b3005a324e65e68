"""USDT sweeps on the devnet. A paid invoice's address only ever received USDT, so it
does not exist on chain: with the platform's energy wallet staked, the energy policy
activates it and delegates the energy, the sweep burns no TRX for energy, the energy is
reclaimed, and every one of those transactions is costed on the sweep and the invoice.
Without an energy wallet the client's fee wallet sends the TRX the sweep burns; with
neither, the sweep fails (``sweep.failed``) and nothing moves. USDT over the hot wallet's
cap goes to the client's cold wallet, off its balance."""

from __future__ import annotations

import pytest

from gateway.invoices.models import Invoice
from gateway.sweeps.models import Sweep, SweepAddress, SweepSettings, SweepStatus
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from lucid_payments.tron.adapter import trc20
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.outgoing.hooks import OutgoingStatus
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.gateway_invoices.conftest import Tenant
from tests.gateway_sweeps.conftest import (
    SUN,
    books_agree,
    paid_invoice,
    run_pass,
    sweep_through,
    wallet,
)
from tests.tron.conftest import DevnetHandle
from tests.usdt.conftest import staked_energy_wallet
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from usdt.models import DelegationStatus, EnergyDelegation, EnergyMode, TrxTopUp
from wallets.fee_receipts import transaction_fee_record
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_available
from wallets.tokens import usdt_contract

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]


def _usdt_on(address: str) -> int:
    return trc20.balance_of(get_node(), contract=usdt_contract(), holder=address)


def _fee_sun(outgoing_id: int | None) -> int:
    assert outgoing_id is not None
    fee = transaction_fee_record(outgoing_id=outgoing_id)
    assert fee is not None
    return fee.fee_sun


def test_a_usdt_invoice_address_is_activated_given_energy_and_swept_with_every_cost(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    hot = wallet(tenant, "hot")
    staked_energy_wallet(devnet, trx=10_000)
    invoice = paid_invoice(devnet, tenant, asset="USDT", units=10 * SUN)
    credited = owner_available(owner=LedgerOwner.client(tenant.client.pk), asset=Asset.USDT)

    assert run_pass().started == 1
    sweep = Sweep.objects.get(source_address=invoice["address"])
    assert (sweep.status, sweep.energy_mode) == (SweepStatus.FUNDING, EnergyMode.DELEGATED)
    delegation = EnergyDelegation.objects.get(purpose=sweep.reference)
    assert delegation.activation_outgoing_id is not None
    include(devnet, delegation.activation_outgoing_id)
    delegation.refresh_from_db()
    assert delegation.delegate_outgoing_id is not None
    include(devnet, delegation.delegate_outgoing_id)  # ready: the energy hook sends it
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.SENDING
    sweep_through(devnet, sweep)
    assert run_pass().completed == 0  # the delegation is still being reclaimed
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMING
    assert delegation.reclaim_outgoing_id is not None
    include(devnet, delegation.reclaim_outgoing_id)
    finalize(devnet, delegation.reclaim_outgoing_id)
    # The worker's tracking takes the activation and the delegation to final as well.
    for outgoing_id in (delegation.activation_outgoing_id, delegation.delegate_outgoing_id):
        assert outgoing_process(outgoing_id) == OutgoingStatus.FINAL
    assert run_pass().completed == 1

    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.COMPLETED
    assert _usdt_on(hot["address"]) == 10 * SUN and _usdt_on(invoice["address"]) == 0
    sent = transaction_fee_record(outgoing_id=sweep.outgoing_id or 0)
    assert sent is not None and sent.energy_burned_sun == 0 and sent.energy_delegated > 0
    activation = _fee_sun(delegation.activation_outgoing_id)
    energy = _fee_sun(delegation.delegate_outgoing_id) + _fee_sun(delegation.reclaim_outgoing_id)
    assert sweep.cost_activation_sun > 0
    assert sweep.cost_activation_sun + sweep.cost_bandwidth_sun == activation
    assert sweep.cost_energy_sun == energy
    assert sweep.cost_sweep_sun == sent.bandwidth_burned_sun
    assert sweep.cost_total_sun == activation + energy + sent.fee_sun
    assert sweep.activation_txid and sweep.delegation_txid and sweep.reclaim_txid
    row = Invoice.objects.get(public_id=invoice["id"])
    assert (
        row.cost_activation_sun,
        row.cost_energy_sun,
        row.cost_bandwidth_sun,
        row.cost_sweep_sun,
    ) == (
        sweep.cost_activation_sun,
        sweep.cost_energy_sun,
        sweep.cost_bandwidth_sun,
        sweep.cost_sweep_sun,
    )
    settlement = tenant.get_invoice(invoice["id"])["settlement"]
    assert settlement["net"][0] == {"amount": "10", "asset": "USDT"}
    assert owner_available(owner=LedgerOwner.client(tenant.client.pk), asset=Asset.USDT) == credited
    books_agree()


def test_without_an_energy_wallet_the_fee_wallet_pays_the_trx_the_sweep_burns(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    hot = wallet(tenant, "hot")
    fee_wallet = wallet(tenant, "fee", funded_by=devnet, trx=100 * SUN)
    invoice = paid_invoice(devnet, tenant, asset="USDT", units=10 * SUN)

    assert run_pass().started == 1
    sweep = Sweep.objects.get(source_address=invoice["address"])
    assert (sweep.status, sweep.energy_mode) == (SweepStatus.FUNDING, EnergyMode.BURN)
    topup = TrxTopUp.objects.get(purpose=sweep.reference)
    assert topup.fee_wallet.address == fee_wallet["address"]
    assert topup.outgoing_id is not None
    include(devnet, topup.outgoing_id)
    finalize(devnet, topup.outgoing_id)
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.SENDING
    sweep_through(devnet, sweep)
    assert run_pass().completed == 1

    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.COMPLETED and _usdt_on(hot["address"]) == 10 * SUN
    sent = transaction_fee_record(outgoing_id=sweep.outgoing_id or 0)
    assert sent is not None and sent.energy_burned_sun > 0
    assert sweep.cost_energy_sun == sent.energy_burned_sun
    topup_fee = transaction_fee_record(outgoing_id=topup.outgoing_id)
    assert topup_fee is not None and topup_fee.activation_sun > 0  # it created the account
    assert sweep.cost_activation_sun == topup_fee.activation_sun
    assert sweep.cost_total_sun == sent.fee_sun + topup_fee.fee_sun
    assert sweep.topup_txid == topup_fee.txid
    books_agree()


def test_with_nothing_to_pay_its_energy_the_sweep_fails_and_nothing_moves(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    wallet(tenant, "hot")
    invoice = paid_invoice(devnet, tenant, asset="USDT", units=10 * SUN)

    assert run_pass().failed == 1
    sweep = Sweep.objects.get(source_address=invoice["address"])
    assert (sweep.status, sweep.failure_code) == (SweepStatus.FAILED, "no_energy_source")
    assert sweep.outgoing_id is None and _usdt_on(invoice["address"]) == 10 * SUN
    event = Event.objects.get(type="sweep.failed", object_id=sweep.public_id)
    assert event.data["status"] == "failed" and event.client_id == tenant.client.pk
    assert not SweepAddress.objects.get(address=invoice["address"]).due
    assert run_pass().failed == 0  # not tried again every minute
    books_agree()


def test_usdt_over_the_hot_wallets_cap_goes_to_the_cold_wallet_off_the_clients_balance(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    hot = funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=100 * SUN, usdt=20 * SUN)
    cold_address = devnet.accounts[2].address
    wallet(tenant, "cold", address=cold_address)
    SweepSettings.objects.create(client=tenant.client, hot_cap_usdt_units=5 * SUN)
    owner = LedgerOwner.client(tenant.client.pk)
    cold_before = _usdt_on(cold_address)

    assert run_pass().excess == 1
    excess = Sweep.objects.get(kind="excess")
    assert (excess.asset, excess.amount, excess.status) == (
        Asset.USDT,
        15 * SUN,
        SweepStatus.SENDING,  # the hot wallet burns its own TRX: nothing to wait for
    )
    assert owner_available(owner=owner, asset=Asset.USDT) == 5 * SUN  # held
    assert run_pass().excess == 0  # one open sweep per address
    sweep_through(devnet, excess)
    assert run_pass().completed == 1

    excess.refresh_from_db()
    assert excess.status == SweepStatus.COMPLETED and excess.cost_energy_sun > 0
    assert _usdt_on(cold_address) == cold_before + 15 * SUN
    assert _usdt_on(hot["address"]) == 5 * SUN
    assert owner_available(owner=owner, asset=Asset.USDT) == 5 * SUN  # settled: it left
    books_agree()
