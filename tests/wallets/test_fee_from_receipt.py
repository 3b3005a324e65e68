"""The split of a transaction's costs is recorded from the receipt the tracker read to
call it final, as soon as that status commits and with no node call, and it is the very
row the worker that asks the node would record. A worker that has not read the energy
price lately leaves it to that worker."""

from __future__ import annotations

from typing import Any

import pytest

from lucid_payments.tron.adapter.node import get_node, reset_node
from lucid_payments.tron.adapter.resource_prices import recent_resource_prices
from lucid_payments.tron.models import OutgoingTransaction
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include, send_trx
from wallets.fee_receipts import transaction_fee_record
from wallets.models.fees import TransactionFee

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

TEN_TRX = 10_000_000


def _figures(row: TransactionFee) -> dict[str, Any]:
    return {
        field.name: getattr(row, field.name)
        for field in TransactionFee._meta.concrete_fields
        if field.name not in ("id", "created_at")
    }


def _included_transfer(devnet: DevnetHandle, wallets_api: Any, key: str) -> OutgoingTransaction:
    """Two TRX from a funded hot wallet, in a block not solidified yet."""
    tenant, api = wallets_api
    wallet = funded_hot_wallet(devnet, api, tenant.pk, trx=TEN_TRX)
    outgoing = send_trx(api, wallet["id"], devnet.accounts[0].address, key)
    include(devnet, outgoing.pk)
    return outgoing


def test_the_final_status_records_the_fee_from_its_receipt_as_the_node_reader_would(
    devnet: DevnetHandle, wallets_api, django_capture_on_commit_callbacks
) -> None:
    outgoing = _included_transfer(devnet, wallets_api, "fee-receipt")
    recent_resource_prices(get_node())  # this worker knows the price (estimates read it)

    with django_capture_on_commit_callbacks() as after_commit:
        finalize(devnet, outgoing.pk)
    devnet.faults(http_error={"status": 503, "seconds": 600})  # the node answers nothing now
    try:
        for callback in after_commit:
            callback()
    finally:
        devnet.clear_faults()

    outgoing.refresh_from_db()
    recorded = TransactionFee.objects.get(network="devnet", txid=outgoing.txid)
    assert recorded.outgoing_id == outgoing.pk and recorded.fee_sun == outgoing.fee
    # The node-reading worker, had it run instead, records the very same row.
    TransactionFee.objects.filter(pk=recorded.pk).delete()
    read_back = transaction_fee_record(outgoing_id=outgoing.pk)
    assert read_back is not None and _figures(read_back) == _figures(recorded)


def test_a_worker_that_does_not_know_the_price_leaves_the_record_to_the_node_reader(
    devnet: DevnetHandle, wallets_api, django_capture_on_commit_callbacks
) -> None:
    outgoing = _included_transfer(devnet, wallets_api, "fee-unknown-price")
    reset_node()  # a fresh worker: nothing remembered

    with django_capture_on_commit_callbacks(execute=True):
        finalize(devnet, outgoing.pk)  # tasks run inline here: the worker reads the node

    outgoing.refresh_from_db()
    recorded = TransactionFee.objects.get(network="devnet", txid=outgoing.txid)
    assert recorded.fee_sun == outgoing.fee
    assert transaction_fee_record(outgoing_id=outgoing.pk) == recorded  # once
