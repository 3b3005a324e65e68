"""Bad input to the tron-client API is a 4xx with the error body, never a 500 (DESIGN: a
500 is a bug), and a refused relay leaves nothing stored and nothing sent."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.transactions import build_raw_data, chain_reference, sign_raw_data
from lucid_payments.tron.models import OutgoingTransaction
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.signing import PrivateKeySigner
from tests.tron.api.conftest import TenantApiClient
from tests.tron.api.signed import post_broadcast, signed_transfer
from tests.tron.conftest import DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECIPIENT = PrivateKeySigner(b"\x0e" * 32).address
Body = dict[str, Any]


def _contract_value(body: Body) -> Body:
    value: Body = body["raw_data"]["contract"][0]["parameter"]["value"]
    return value


# (name, how to spoil a good signed transfer, the field the error names)
SPOILERS: list[tuple[str, Callable[[Body], Any], str]] = [
    ("contract not a list", lambda b: b["raw_data"].update(contract="x"), "raw_data"),
    ("contract not an object", lambda b: b["raw_data"].update(contract=["x"]), "raw_data"),
    (
        "parameter not an object",
        lambda b: b["raw_data"]["contract"][0].update(parameter="x"),
        "raw_data",
    ),
    (
        "type_url not a string",
        lambda b: b["raw_data"]["contract"][0]["parameter"].update(type_url=5),
        "raw_data",
    ),
    ("amount below int64", lambda b: _contract_value(b).update(amount=-(2**70)), "raw_data"),
    ("amount above int64", lambda b: _contract_value(b).update(amount=2**80), "raw_data"),
    ("amount not an integer", lambda b: _contract_value(b).update(amount=1.5), "raw_data"),
    ("expiration a word", lambda b: b["raw_data"].update(expiration="soon"), "raw_data"),
    ("unknown raw_data key", lambda b: b["raw_data"].update(auths=[]), "raw_data"),
    ("signature not a list", lambda b: b.update(signature="ab"), "signature"),
    ("signature of numbers", lambda b: b.update(signature=[1]), "signature.0"),
    ("signature of zeros", lambda b: b.update(signature=["00" * 65]), "signature"),
    ("recovery byte out of range", lambda b: b.update(signature=["ff" * 65]), "signature"),
    ("raw_data_hex truncated", lambda b: b.update(raw_data_hex="0a"), "raw_data_hex"),
    ("raw_data_hex garbage", lambda b: b.update(raw_data_hex="5a" + "ff" * 12), "raw_data_hex"),
    ("raw_data_hex not hex", lambda b: b.update(raw_data_hex="zz"), "raw_data_hex"),
    ("txID not a string", lambda b: b.update(txID=5), "txID"),
    ("raw_data not an object", lambda b: b.update(raw_data="x"), "raw_data"),
    ("no raw_data", lambda b: b.pop("raw_data"), "raw_data"),
]


def test_malformed_relays_are_400_and_nothing_is_stored_or_sent(
    devnet: DevnetHandle, tron_api: TenantApiClient
) -> None:
    sender = devnet.accounts[1]
    good = signed_transfer(
        devnet, key_hex=sender.private_key, owner_hex=sender.hex, to=RECIPIENT, amount=5
    )
    for number, (name, spoil, field) in enumerate(SPOILERS):
        body = copy.deepcopy(good)
        spoil(body)
        response = post_broadcast(tron_api, body, key=f"bad-{number}")
        assert response.status_code == 400, (name, response.content)
        error = response.json()["error"]
        assert field in error["fields"], (name, error)
    not_objects: list[Any] = [[], "x", 5, None, {}]
    for number, not_object in enumerate(not_objects):
        response = post_broadcast(tron_api, not_object, key=f"not-an-object-{number}")
        assert response.status_code == 400, (not_object, response.content)
    unparsable = tron_api.post(
        "/api/v1/transactions/broadcast",
        "{bad json",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="bad-json",
    )
    assert unparsable.status_code == 400
    assert OutgoingTransaction.objects.count() == 0
    assert devnet.status()["pending"] == 0


def test_a_signed_transaction_with_a_negative_fee_limit_is_400_not_500(
    devnet: DevnetHandle, tron_api: TenantApiClient
) -> None:
    # Correctly signed, so it passes every check up to the database's own rule on
    # fee_limit; it must be refused before it gets there.
    sender = PrivateKeySigner(bytes.fromhex(devnet.accounts[1].private_key))
    call = contracts.trx_transfer(owner=sender.address, to=RECIPIENT, amount_sun=5)
    raw_data = build_raw_data(
        contract_type=call.contract_type,
        parameters=call.parameters,
        reference=chain_reference(get_node()),
        fee_limit=-1,
    )
    signed = sign_raw_data(raw_data, sender)
    body = {
        "txID": signed.txid,
        "raw_data": signed.raw_data,
        "raw_data_hex": signed.raw_data_hex,
        "signature": [signed.signature],
    }
    response = post_broadcast(tron_api, body)
    assert response.status_code == 400, response.content
    assert "raw_data.fee_limit" in response.json()["error"]["fields"]
    assert OutgoingTransaction.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v1/transactions/xyz", "invalid_txid"),
        (f"/api/v1/transactions/{'zz' * 32}", "invalid_txid"),
        (f"/api/v1/transactions/{'a' * 2000}", "invalid_txid"),
        ("/api/v1/blocks/9223372036854775808", "invalid_block_number"),
        (f"/api/v1/blocks/{'9' * 40}", "invalid_block_number"),
        ("/api/v1/blocks/-1", "not_found"),
        ("/api/v1/accounts/x", "invalid_address"),
        (f"/api/v1/accounts/{'T' * 300}", "invalid_address"),
    ],
)
def test_bad_path_values_are_4xx_before_the_node_is_asked(
    devnet: DevnetHandle, tron_api: TenantApiClient, path: str, code: str
) -> None:
    response = tron_api.get(path)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "body", [[], None, {}, {"address": None}, {"address": ["x"]}, {"address": "T" * 500}]
)
def test_malformed_address_checks_are_400(
    devnet: DevnetHandle, tron_api: TenantApiClient, body: Any
) -> None:
    response = tron_api.post("/api/v1/addresses/validate", body, format="json")
    assert response.status_code == 400, response.content
    assert "error" in response.json()
