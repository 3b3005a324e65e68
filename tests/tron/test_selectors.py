"""The public read API of the chain app: typed views instead of stored parameters."""

from __future__ import annotations

import pytest

from lucid_payments.tron.outgoing.contracts import generic_call, trc20_transfer, trx_transfer
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.selectors import (
    outgoing_get,
    outgoing_last_attempt_id,
    outgoing_unfinished_from,
    scan_cursor_block,
    transfers_seen_not_final_to,
)

pytestmark = pytest.mark.django_db

SENDER = "TXQccAqg4ykNMsc4APF4vbtaDbmtFD1FxB"
RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
TOKEN = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_a_trx_transfer_shows_recipient_and_amount() -> None:
    call = trx_transfer(owner=SENDER, to=RECIPIENT, amount_sun=1_234_567)
    created = outgoing_create(call=call, reference="t:trx", enqueue=False)

    view = outgoing_get(outgoing_id=created.pk)

    assert view is not None
    assert (view.asset, view.recipient, view.amount, view.token_contract) == (
        "TRX",
        RECIPIENT,
        1_234_567,
        "",
    )
    assert (view.owner_address, view.status, view.txid, view.fee) == (SENDER, "pending", "", None)


def test_a_trc20_transfer_is_decoded_from_its_call_data() -> None:
    call = trc20_transfer(owner=SENDER, token=TOKEN, to=RECIPIENT, amount=2**70 + 5)
    created = outgoing_create(call=call, reference="t:usdt", enqueue=False)

    view = outgoing_get(outgoing_id=created.pk)

    assert view is not None
    assert (view.asset, view.recipient, view.amount, view.token_contract) == (
        "TRC20",
        RECIPIENT,
        2**70 + 5,
        TOKEN,
    )


def test_another_contract_has_its_receiver_and_no_amount() -> None:
    call = generic_call(
        contract_type="DelegateResourceContract",
        owner=SENDER,
        parameters={"receiver_address": RECIPIENT, "balance": 5_000_000, "resource": "ENERGY"},
    )
    created = outgoing_create(call=call, reference="t:delegate", enqueue=False)

    view = outgoing_get(outgoing_id=created.pk)

    assert view is not None
    assert (view.asset, view.recipient, view.amount) == ("", RECIPIENT, 0)


def test_nothing_recorded_reads_as_nothing() -> None:
    assert outgoing_get(outgoing_id=999_999) is None
    assert outgoing_unfinished_from(network="devnet", owner_addresses=[SENDER]) == []
    assert outgoing_last_attempt_id(network="devnet") == 0
    assert scan_cursor_block(network="devnet") is None
    pending = transfers_seen_not_final_to(network="devnet", to_addresses=[RECIPIENT])
    assert (pending.amount, pending.count) == (0, 0)
