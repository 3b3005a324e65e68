"""A USDT transfer from a hot wallet through the API, paid with the energy wallet's staked
energy: delegated just in time, 0 TRX burned for energy, reclaimed when final; and the
same transfer with no energy to delegate, burning exactly what the chain says."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from lucid_payments.core.money import Asset, format_amount
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.delegation import delegations
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import transaction_info
from lucid_payments.tron.adapter.resource_prices import recent_resource_prices, resource_prices
from lucid_payments.tron.adapter.trc20 import balance_of
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from tests.tron.conftest import DevnetHandle
from tests.usdt.conftest import SUN, staked_energy_wallet
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include, run_reconcile
from tests.wallets.ledger_helpers import assert_ledger_consistent
from usdt.energy.hooks import energy_on_outgoing
from usdt.models import DelegationStatus, EnergyDelegation, TrxTopUp, UsdtTransfer
from wallets.fee_receipts import transaction_fee_record, transaction_fees_catch_up
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.models.fees import TransactionFee
from wallets.models.ledger import Hold, HoldStatus

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

HOLDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def _post_transfer(api: Any, wallet_id: int, amount: str, key: str) -> dict[str, Any]:
    response = api.post(
        "/api/v1/usdt/transfers",
        {"wallet_id": wallet_id, "to": HOLDER, "amount": {"amount": amount, "asset": "USDT"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 202, response.content
    body: dict[str, Any] = response.json()
    return body


def _usdt(devnet: DevnetHandle, address: str) -> int:
    return balance_of(get_node(), contract=devnet.token_address, holder=address)


def _ledger(client_id: int, asset: Asset) -> tuple[int, int]:
    balance = next(
        b for b in owner_balances(owner=LedgerOwner.client(client_id)) if b.asset == asset
    )
    return balance.available, balance.held


def test_with_staked_energy_a_transfer_burns_no_trx_for_energy_and_is_reclaimed(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any], django_capture_on_commit_callbacks
) -> None:
    tenant, api = usdt_api
    devnet.faucet(HOLDER, usdt=1)  # a holder: the ~64k case
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=5 * SUN, usdt=100 * SUN)
    energy_wallet = staked_energy_wallet(devnet, trx=10_000)
    trx_before = account(get_node(), hot["address"]).balance_sun

    body = _post_transfer(api, hot["id"], "12.5", "usdt-1")
    assert (body["status"], body["energy_mode"]) == ("awaiting_energy", "delegated")
    assert body["energy_estimate"] == 64_285
    # fee_limit: the estimate at the chain's price (100 SUN) plus the 20 % margin.
    assert body["fee_limit"] == {"amount": "7.7142", "asset": "TRX"}
    assert _ledger(tenant.pk, Asset.USDT) == (87_500_000, 12_500_000)

    delegation = EnergyDelegation.objects.get()
    assert delegation.energy == 64_285 and delegation.receiver == hot["address"]
    assert delegation.delegate_outgoing_id is not None
    include(devnet, delegation.delegate_outgoing_id)  # in a block: the transfer may go
    transfer = UsdtTransfer.objects.get()
    assert transfer.status == "sending" and transfer.outgoing_id is not None
    include(devnet, transfer.outgoing_id)
    recent_resource_prices(get_node())  # this worker knows the price: the split is recorded
    with django_capture_on_commit_callbacks(execute=True):  # as the transfer's end commits
        finalize(devnet, transfer.outgoing_id)
    recorded = TransactionFee.objects.get(outgoing_id=transfer.outgoing_id)
    assert recorded.energy_delegated == 64_285  # read after the delegation learnt the txid

    transfer.refresh_from_db()
    assert transfer.status == "confirmed"
    assert Hold.objects.get(reference=transfer.reference).status == HoldStatus.SETTLED
    assert _ledger(tenant.pk, Asset.USDT) == (87_500_000, 0)
    assert _usdt(devnet, hot["address"]) == 87_500_000
    # 0 TRX burned for energy: the hot wallet's TRX is exactly what it was.
    assert account(get_node(), hot["address"]).balance_sun == trx_before
    info = transaction_info(get_node(), transfer.txid, solid=True)
    assert info is not None and info.energy_fee == 0 and info.energy_usage == 64_285

    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMING
    assert delegation.reclaim_outgoing_id is not None
    include(devnet, delegation.reclaim_outgoing_id)
    finalize(devnet, delegation.reclaim_outgoing_id)
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.RECLAIMED
    left = delegations(get_node(), source=energy_wallet.address, receiver=hot["address"])
    assert left.energy_sun == 0

    fee = transaction_fee_record(outgoing_id=transfer.outgoing_id)
    assert fee is not None
    assert (fee.energy_total, fee.energy_delegated, fee.energy_burned) == (64_285, 64_285, 0)
    assert fee.energy_burned_sun == 0 and fee.fee_sun == info.fee
    assert fee.saved_sun == 64_285 * 100
    detail = api.get(f"/api/v1/usdt/transfers/{transfer.pk}").json()
    assert detail["fees"]["trx_burned_for_energy"] == {"amount": "0", "asset": "TRX"}
    assert detail["fees"]["energy_delegated"] == 64_285
    assert detail["fees"]["trx_saved"] == {"amount": "6.4285", "asset": "TRX"}
    # The stats: what burning everything would have cost, less what the transfer and the
    # policy's own delegate and reclaim transactions burned, is the saving.
    assert transaction_fees_catch_up(network=settings.TRON_NETWORK) == 2  # delegate, reclaim
    policy = [delegation.delegate_outgoing_id, delegation.reclaim_outgoing_id]
    policy_sun = sum(
        TransactionFee.objects.filter(outgoing_id__in=policy).values_list("fee_sun", flat=True)
    )
    totals = api.get("/api/v1/usdt/stats").json()["totals"]
    assert totals["energy_delegated"] == 64_285 and totals["energy_burned"] == 0
    would_burn = 64_285 * 100 + fee.bandwidth_burned_sun
    assert totals["trx_if_burning_everything"]["amount"] == format_amount(would_burn, Asset.TRX)
    assert totals["trx_policy_cost"]["amount"] == format_amount(policy_sun, Asset.TRX)
    saved = would_burn - fee.fee_sun - policy_sun
    assert saved > 6 * SUN
    assert totals["trx_saved"]["amount"] == format_amount(saved, Asset.TRX)
    assert_ledger_consistent()
    # Every SUN of fees is accounted, and the energy wallet's staked TRX (frozen on chain,
    # no longer in its balance) is counted as custody, not read as a shortfall.
    run = run_reconcile()
    assert "USDT: on chain 87.5 USDT" in run.output and "no difference" in run.output
    assert run.returncode == 0, run.output + run.error


def test_with_no_energy_to_delegate_the_sender_burns_what_the_chain_says(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    devnet.faucet(HOLDER, usdt=1)
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=20 * SUN, usdt=100 * SUN)
    trx_before = account(get_node(), hot["address"]).balance_sun

    body = _post_transfer(api, hot["id"], "40", "usdt-burn")
    assert (body["status"], body["energy_mode"]) == ("sending", "burn")
    assert not EnergyDelegation.objects.exists()
    transfer = UsdtTransfer.objects.get()
    assert transfer.outgoing_id is not None
    include(devnet, transfer.outgoing_id)
    finalize(devnet, transfer.outgoing_id)

    transfer.refresh_from_db()
    info = transaction_info(get_node(), transfer.txid, solid=True)
    assert info is not None and info.energy_fee == 64_285 * 100
    assert account(get_node(), hot["address"]).balance_sun == trx_before - info.fee
    assert _usdt(devnet, hot["address"]) == 60 * SUN
    assert _ledger(tenant.pk, Asset.USDT) == (60 * SUN, 0)

    fee = transaction_fee_record(outgoing_id=transfer.outgoing_id)
    assert fee is not None
    assert (fee.energy_delegated, fee.energy_own_stake, fee.energy_burned) == (0, 0, 64_285)
    assert fee.energy_burned_sun == 6_428_500
    assert fee.fee_sun == info.fee and fee.saved_sun == 0
    again = transaction_fee_record(outgoing_id=transfer.outgoing_id)  # once per txid
    assert again is not None and again.pk == fee.pk
    assert TransactionFee.objects.filter(txid=transfer.txid).count() == 1
    detail = api.get(f"/api/v1/usdt/transfers/{transfer.pk}").json()
    assert detail["status"] == "confirmed"
    assert detail["fees"]["trx_burned_for_energy"] == {"amount": "6.4285", "asset": "TRX"}
    assert_ledger_consistent()
    run = run_reconcile()
    assert run.returncode == 0, run.output + run.error


def test_a_transfer_whose_delegation_fails_goes_anyway_burning(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    devnet.faucet(HOLDER, usdt=1)
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=20 * SUN, usdt=10 * SUN)
    staked_energy_wallet(devnet, trx=1_000)
    body = _post_transfer(api, hot["id"], "1", "usdt-fallback")
    assert body["energy_mode"] == "delegated"
    delegation = EnergyDelegation.objects.get()
    assert delegation.delegate_outgoing_id is not None
    # The delegation's transaction ends failed (as when the node refuses it until it
    # expires): the hook records it, and the transfer goes, burning within its fee_limit.
    with transaction.atomic():
        energy_on_outgoing(
            OutgoingEvent(
                outgoing_id=delegation.delegate_outgoing_id,
                reference=f"internal:energy-delegate:{delegation.pk}",
                status=OutgoingStatus.FAILED,
                previous_status=OutgoingStatus.BROADCAST,
                txid="",
                block_number=None,
                failure_code="EXPIRED",
            )
        )
    delegation.refresh_from_db()
    transfer = UsdtTransfer.objects.get()
    assert delegation.status == DelegationStatus.FAILED
    assert (transfer.status, transfer.energy_mode) == ("sending", "burn")
    assert transfer.outgoing_id is not None


def test_a_sender_short_of_trx_to_burn_is_topped_up_from_the_clients_fee_wallet(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    devnet.faucet(HOLDER, usdt=1)
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=1 * SUN, usdt=10 * SUN)
    fee_wallet = api.post("/api/v1/wallets", {"kind": "fee"}, format="json").json()
    devnet.faucet(fee_wallet["address"], trx=30 * SUN)
    devnet.mine()
    node = get_node()

    body = _post_transfer(api, hot["id"], "2", "usdt-topup")
    assert (body["status"], body["energy_mode"]) == ("awaiting_energy", "burn")
    topup = TrxTopUp.objects.get()
    bandwidth = 400 * resource_prices(node).bandwidth_sun
    assert topup.amount_sun == 7_714_200 + bandwidth - 1 * SUN  # fee_limit + bandwidth - held
    assert topup.outgoing_id is not None
    include(devnet, topup.outgoing_id)  # in a block: the transfer goes
    transfer = UsdtTransfer.objects.get()
    assert transfer.status == "sending" and transfer.outgoing_id is not None
    include(devnet, transfer.outgoing_id)
    finalize(devnet, transfer.outgoing_id)
    transfer.refresh_from_db()
    info = transaction_info(node, transfer.txid, solid=True)
    assert transfer.status == "confirmed" and info is not None
    assert account(node, hot["address"]).balance_sun == 1 * SUN + topup.amount_sun - info.fee
    assert _ledger(tenant.pk, Asset.USDT) == (8 * SUN, 0)
