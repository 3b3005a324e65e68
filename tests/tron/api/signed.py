"""Client-side transactions for relay tests: made by the node (``createtransaction``, as a
wallet app would) and signed with a genesis key, so our serializer is checked against the
node's."""

from __future__ import annotations

from typing import Any

import httpx
from rest_framework.test import APIClient

from lucid_payments.tron.signing import PrivateKeySigner
from tests.tron.conftest import DevnetHandle


def unsigned_transfer(
    devnet: DevnetHandle, *, owner_hex: str, to: str, amount: int
) -> dict[str, Any]:
    response = httpx.post(
        f"{devnet.url}/wallet/createtransaction",
        json={"owner_address": owner_hex, "to_address": to, "amount": amount},
        timeout=10,
    )
    body = response.json()
    assert "txID" in body, body
    return body


def signed_transfer(
    devnet: DevnetHandle,
    *,
    key_hex: str,
    owner_hex: str,
    to: str,
    amount: int,
    tronweb_v: bool = False,
) -> dict[str, Any]:
    """The body of POST /transactions/broadcast for a TRX transfer signed client-side."""
    tx = unsigned_transfer(devnet, owner_hex=owner_hex, to=to, amount=amount)
    signature = PrivateKeySigner(bytes.fromhex(key_hex)).sign(bytes.fromhex(tx["txID"]))
    if tronweb_v:  # TronWeb writes v as 1b/1c, upper-case hex
        signature = signature[:64] + bytes([signature[64] + 27])
        text = signature.hex().upper()
    else:
        text = signature.hex()
    return {
        "txID": tx["txID"],
        "raw_data": tx["raw_data"],
        "raw_data_hex": tx["raw_data_hex"],
        "signature": [text],
    }


def post_broadcast(api: APIClient, body: Any, key: str = "k-1") -> Any:
    return api.post("/api/v1/transactions/broadcast", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
