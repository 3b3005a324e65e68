"""Network fees burned by our own transactions are booked once, as a platform expense
against custody, so that chain and ledger still agree after a transfer is final."""

from __future__ import annotations

import pytest
from tronpy.keys import PrivateKey

from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingStatus
from lucid_payments.tron.outgoing.contracts import trc20_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import (
    finalize,
    funded_hot_wallet,
    include,
    run_reconcile,
    send_trx,
)
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import ledger_hold
from wallets.models.ledger import Bucket, JournalEntry, LedgerAccount, OwnerType
from wallets.network_fees import network_fee_reference
from wallets.transaction_costs import transaction_costs_on_outgoing

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

TEN_TRX = 10_000_000
TWO_TRX = 2_000_000
# An address no transaction has touched: sending to it activates it, which burns TRX.
NEW_ADDRESS = PrivateKey(bytes(range(1, 33))).public_key.to_base58check_address()


def _platform_balance(asset: Asset, bucket: Bucket) -> int:
    account = LedgerAccount.objects.filter(
        owner_type=OwnerType.PLATFORM, asset=asset, bucket=bucket
    ).first()
    return account.balance if account else 0


def test_a_transfer_to_a_new_address_books_its_activation_fee_once_and_reconciles(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=TEN_TRX)
    outgoing = send_trx(api, wallet["id"], NEW_ADDRESS, "to-new")

    include(devnet, outgoing.pk)
    in_flight = run_reconcile()
    assert in_flight.returncode == 0, in_flight.output + in_flight.error

    finalize(devnet, outgoing.pk)
    outgoing.refresh_from_db()
    assert outgoing.fee is not None and outgoing.fee >= 1_000_000  # activation burns 1 TRX+
    fee_entry = JournalEntry.objects.get(kind="network_fee")
    assert fee_entry.reference == network_fee_reference(network="devnet", txid=outgoing.txid)
    assert _platform_balance(Asset.TRX, Bucket.NETWORK_FEES) == -outgoing.fee
    # The client paid the amount, not the fee.
    trx = next(b for b in owner_balances(owner=LedgerOwner.client(tenant.pk)) if b.asset == "TRX")
    assert (trx.available, trx.held) == (TEN_TRX - TWO_TRX, 0)
    # Custody is what the hot wallet still holds on chain.
    assert -_platform_balance(Asset.TRX, Bucket.CUSTODY) == TEN_TRX - TWO_TRX - outgoing.fee

    outgoing_process(outgoing.pk)  # tracking a final transaction again books nothing
    event = OutgoingEvent(
        outgoing_id=outgoing.pk,
        reference=outgoing.reference,
        status=OutgoingStatus.FINAL,
        previous_status=OutgoingStatus.CONFIRMED,
        txid=outgoing.txid,
        block_number=outgoing.block_number,
        failure_code="",
    )
    transaction_costs_on_outgoing(event)  # nor does a handler that runs twice
    assert JournalEntry.objects.filter(kind="network_fee").count() == 1

    final = run_reconcile()
    assert final.returncode == 0, final.output + final.error
    assert "no difference" in final.output
    assert_ledger_consistent()


def test_a_transfer_to_an_existing_address_reconciles_clean_whatever_it_burned(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=TEN_TRX)
    outgoing = send_trx(api, wallet["id"], devnet.accounts[0].address, "to-existing")

    include(devnet, outgoing.pk)
    finalize(devnet, outgoing.pk)

    outgoing.refresh_from_db()
    booked = JournalEntry.objects.filter(kind="network_fee").count()
    assert booked == (1 if outgoing.fee else 0)  # free bandwidth may have paid for it
    result = run_reconcile()
    assert result.returncode == 0, result.output + result.error
    assert_ledger_consistent()


def test_usdt_in_flight_and_its_energy_fee_are_accounted_for(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=50 * 1_000_000, usdt=10_000_000)
    reference = "wallet-transfer:usdt-in-flight"  # settled by the wallet-transfer hook
    ledger_hold(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.USDT, amount=4_000_000, reference=reference
    )
    call = trc20_transfer(
        owner=wallet["address"], token=devnet.token_address, to=NEW_ADDRESS, amount=4_000_000
    )
    outgoing = outgoing_create(call=call, reference=reference, enqueue=False)

    include(devnet, outgoing.pk)
    in_flight = run_reconcile()
    assert in_flight.returncode == 0, in_flight.output + in_flight.error
    assert "1 of our transactions in a block not final (tokens sent) 4 USDT" in in_flight.output

    finalize(devnet, outgoing.pk)
    outgoing.refresh_from_db()
    assert outgoing.fee and outgoing.fee > 0  # energy burned: nothing was staked
    assert _platform_balance(Asset.TRX, Bucket.NETWORK_FEES) == -outgoing.fee
    final = run_reconcile()
    assert final.returncode == 0, final.output + final.error
    assert_ledger_consistent()


def test_a_transfer_to_another_wallet_of_ours_stays_in_custody_and_only_the_fee_leaves(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=TEN_TRX)
    fee_wallet = api.post("/api/v1/wallets", {"kind": "fee"}, format="json").json()
    outgoing = send_trx(api, hot["id"], fee_wallet["address"], "top-up-fee-wallet")

    include(devnet, outgoing.pk)
    finalize(devnet, outgoing.pk)

    outgoing.refresh_from_db()
    assert outgoing.fee and outgoing.fee >= 1_000_000  # the fee wallet was activated
    trx = next(b for b in owner_balances(owner=LedgerOwner.client(tenant.pk)) if b.asset == "TRX")
    assert (trx.available, trx.held) == (TEN_TRX, 0)  # released: the client still owns it
    result = run_reconcile()
    assert result.returncode == 0, result.output + result.error
    assert_ledger_consistent()
