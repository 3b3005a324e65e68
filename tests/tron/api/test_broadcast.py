"""POST /api/v1/transactions/broadcast: validate a client-signed transaction, store it,
relay it, track it (see tests/tron/api/signed.py for how the transactions are made)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from lucid_payments.tron.models import OutgoingOrigin, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.signing import PrivateKeySigner
from tests.tron.api.signed import post_broadcast, signed_transfer
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECIPIENT = PrivateKeySigner(b"\x09" * 32).address
AMOUNT = 3_141_592


def _signed(
    devnet: DevnetHandle, *, key_hex: str, owner_hex: str, tronweb_v: bool = False
) -> dict[str, Any]:
    return signed_transfer(
        devnet,
        key_hex=key_hex,
        owner_hex=owner_hex,
        to=RECIPIENT,
        amount=AMOUNT,
        tronweb_v=tronweb_v,
    )


def _post(api: APIClient, body: dict[str, Any], key: str = "k-1") -> Any:
    return post_broadcast(api, body, key)


def test_relayed_transaction_is_stored_sent_and_tracked_to_final(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    sender = devnet.accounts[1]
    body = _signed(devnet, key_hex=sender.private_key, owner_hex=sender.hex)
    response = _post(tron_api, body)
    assert response.status_code == 202, response.content
    assert response.json() == {
        "txid": body["txID"],
        "status": "broadcast",
        "accepted": True,
        "node_code": "",
        "node_message": "",
    }
    replay = _post(tron_api, body)
    assert replay.status_code == 202 and replay.json() == response.json()
    assert replay.headers["Idempotent-Replayed"] == "true"

    outgoing = OutgoingTransaction.objects.get()
    assert outgoing.origin == OutgoingOrigin.RELAY and outgoing.txid == body["txID"]
    devnet.mine(1 + SOLID_LAG)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL
    assert transfers_on_chain(devnet, RECIPIENT) == [body["txID"]]
    assert trx_balance(RECIPIENT) == AMOUNT


def test_the_same_transaction_under_a_new_key_is_one_row_and_one_transfer(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    sender = devnet.accounts[1]
    body = _signed(devnet, key_hex=sender.private_key, owner_hex=sender.hex, tronweb_v=True)
    assert _post(tron_api, body, "k-1").status_code == 202
    again = _post(tron_api, body, "k-2")
    assert again.status_code == 202 and again.json()["accepted"] is True
    assert OutgoingTransaction.objects.count() == 1
    devnet.mine(1 + SOLID_LAG)
    assert transfers_on_chain(devnet, RECIPIENT) == [body["txID"]]
    assert trx_balance(RECIPIENT) == AMOUNT


@pytest.mark.parametrize(
    ("tamper", "field", "code"),
    [
        ("other_signer", "signature", "bad_signature"),
        ("amount_in_json", "raw_data", "raw_data_mismatch"),
        ("txid", "txID", "txid_mismatch"),
        ("hex", "raw_data_hex", "invalid_transaction"),
    ],
)
def test_invalid_transactions_are_refused_and_nothing_is_stored_or_sent(
    devnet: DevnetHandle, tron_api: APIClient, tamper: str, field: str, code: str
) -> None:
    sender, stranger = devnet.accounts[1], devnet.accounts[2]
    body = _signed(devnet, key_hex=sender.private_key, owner_hex=sender.hex)
    if tamper == "other_signer":
        body["signature"] = [
            PrivateKeySigner(bytes.fromhex(stranger.private_key))
            .sign(bytes.fromhex(body["txID"]))
            .hex()
        ]
    elif tamper == "amount_in_json":
        body["raw_data"] = copy.deepcopy(body["raw_data"])
        body["raw_data"]["contract"][0]["parameter"]["value"]["amount"] = AMOUNT * 10
    elif tamper == "txid":
        body["txID"] = "00" * 32
    else:
        body["raw_data_hex"] = body["raw_data_hex"][:-4]
    response = _post(tron_api, body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code and field in error["fields"]
    assert OutgoingTransaction.objects.count() == 0
    assert devnet.status()["pending"] == 0


def test_expired_transaction_is_refused(devnet: DevnetHandle, tron_api: APIClient) -> None:
    sender = devnet.accounts[1]
    body = _signed(devnet, key_hex=sender.private_key, owner_hex=sender.hex)
    devnet.mine(21)  # 63 s of chain time: past the 60 s expiration
    response = _post(tron_api, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "expired"
    assert OutgoingTransaction.objects.count() == 0


def test_node_refusal_is_a_422_with_the_node_code(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    pauper_key = "11" * 32
    pauper = PrivateKeySigner(bytes.fromhex(pauper_key))
    from lucid_payments.tron.addresses import to_hex

    body = _signed(devnet, key_hex=pauper_key, owner_hex=to_hex(pauper.address))
    response = _post(tron_api, body)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "node_contract_validate_error"
    assert transfers_on_chain(devnet, RECIPIENT) == []


def test_broadcast_needs_an_idempotency_key(devnet: DevnetHandle, tron_api: APIClient) -> None:
    sender = devnet.accounts[1]
    body = _signed(devnet, key_hex=sender.private_key, owner_hex=sender.hex)
    response = tron_api.post("/api/v1/transactions/broadcast", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
