"""Fixtures for outgoing-transaction tests: signers for the devnet's genesis keys, a fresh
recipient per test, chain-side counters, and a recorder of status-change events."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.outgoing.hooks import (
    OutgoingEvent,
    outgoing_subscribe,
    outgoing_unsubscribe,
)
from lucid_payments.tron.signing import (
    PrivateKeySigner,
    Signer,
    register_signer_source,
    unregister_signer_source,
)
from tests.tron.conftest import DevnetHandle


@dataclass(frozen=True)
class Wallets:
    sender: PrivateKeySigner
    recipient: str


@pytest.fixture
def wallets(
    devnet: DevnetHandle, settings: SettingsWrapper, request: pytest.FixtureRequest
) -> Iterator[Wallets]:
    """Genesis account 1 signs (account 0 issues USDT, the last one runs the faucet); the
    recipient is a fresh address derived from the test's name (deterministic, never funded)."""
    signers = {
        signer.address: signer
        for signer in (PrivateKeySigner(bytes.fromhex(a.private_key)) for a in devnet.accounts)
    }

    def source(address: str) -> Signer | None:
        return signers.get(address)

    register_signer_source(source)
    # Re-send on every check instead of every 15 s: tests drive time by calling steps.
    settings.TRON_TX_REBROADCAST_S = 0
    recipient = PrivateKeySigner(hashlib.sha256(request.node.nodeid.encode()).digest()).address
    try:
        yield Wallets(sender=signers[devnet.accounts[1].address], recipient=recipient)
    finally:
        unregister_signer_source(source)


@pytest.fixture
def outgoing_events() -> Iterator[list[OutgoingEvent]]:
    seen: list[OutgoingEvent] = []
    outgoing_subscribe(seen.append)
    try:
        yield seen
    finally:
        outgoing_unsubscribe(seen.append)


def trx_balance(address: str) -> int:
    body = get_node().post("wallet/getaccount", {"address": address, "visible": True})
    return int(body.get("balance", 0))


def transfers_on_chain(devnet: DevnetHandle, to_address: str) -> list[str]:
    """Txids of every transaction in the devnet's chain whose contract names ``to_address``
    as recipient (TRX ``to_address``, or a TRC20 transfer's address word)."""
    from lucid_payments.tron.addresses import to_hex

    target = to_hex(to_address)
    found = []
    for block in devnet.chain.node.blocks:
        for record in block.txs:
            raw = record.raw.raw_data
            value = raw["contract"][0]["parameter"]["value"]
            if value.get("to_address") == target or target[2:] in value.get("data", ""):
                found.append(record.raw.txid)
    return found
