"""GET /transactions/{txid} shows chain facts to every caller, but what the platform knows
(our status of a transaction we sent or relayed, transfers we saw at watched addresses)
only to the client it belongs to. Client B never sees client A's relay, payout or deposit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from lucid_payments.accounts.services import customer_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.tron.api.tenancy import owner_client_id
from lucid_payments.tron.models import OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.signing import (
    PrivateKeySigner,
    Signer,
    register_signer_source,
    unregister_signer_source,
)
from lucid_payments.tron.watch import watch_address
from tests.tron.api.conftest import TenantApiClient
from tests.tron.api.signed import post_broadcast, signed_transfer
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import transfers_on_chain

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

RECIPIENT = PrivateKeySigner(b"\x0a" * 32).address
AMOUNT = 1_234_567


def _status(api: TenantApiClient, txid: str) -> tuple[int, dict[str, Any] | None]:
    """(HTTP status, the ``platform`` part of the answer) of a transaction lookup."""
    response = api.get(f"/api/v1/transactions/{txid}")
    body = response.json()
    return response.status_code, body.get("platform") if response.status_code == 200 else None


@contextmanager
def _genesis_signer(devnet: DevnetHandle) -> Iterator[PrivateKeySigner]:
    sender = PrivateKeySigner(bytes.fromhex(devnet.accounts[1].private_key))

    def source(address: str) -> Signer | None:
        return sender if address == sender.address else None

    register_signer_source(source)
    try:
        yield sender
    finally:
        unregister_signer_source(source)


def test_client_b_never_sees_client_a_relay_status(
    devnet: DevnetHandle, tron_api: TenantApiClient, other_tron_api: TenantApiClient
) -> None:
    a, b = tron_api, other_tron_api
    sender = devnet.accounts[1]
    body = signed_transfer(
        devnet, key_hex=sender.private_key, owner_hex=sender.hex, to=RECIPIENT, amount=AMOUNT
    )
    txid = body["txID"]
    assert post_broadcast(a, body).json()["status"] == "broadcast"
    outgoing = OutgoingTransaction.objects.get()
    assert outgoing.client_id == a.tenant.pk

    # In the pool, not on chain: A sees its relay; for B there is nothing (not even a hint).
    code, platform = _status(a, txid)
    assert code == 200 and platform is not None
    assert platform["outgoing"] == {
        "status": "broadcast",
        "copy_status": "broadcast",
        "origin": "relay",
        "failure_code": "",
    }
    assert _status(b, txid) == (404, None)

    # B relays the very same signed transaction: passed to the node again (harmless, same
    # txid), nothing of A's row changes hands or shows.
    again = post_broadcast(b, body)
    assert again.status_code == 202, again.content
    assert again.json()["status"] == "untracked" and again.json()["txid"] == txid
    assert again.json()["accepted"] is True
    assert OutgoingTransaction.objects.get().client_id == a.tenant.pk
    assert _status(b, txid) == (404, None)

    devnet.mine(1 + SOLID_LAG)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL
    code, platform = _status(a, txid)
    assert code == 200 and platform is not None
    assert platform["outgoing"]["status"] == "final"
    on_chain = b.get(f"/api/v1/transactions/{txid}").json()
    assert on_chain["found_on_chain"] is True and on_chain["solidified"] is True
    assert on_chain["platform"] is None
    assert transfers_on_chain(devnet, RECIPIENT) == [txid]
    # A's audit trail of its relay is A's: every row of it names A as the tenant.
    trail = AuditEvent.objects.filter(object_type="tron.outgoingtransaction")
    assert trail.exists() and set(trail.values_list("client_id", flat=True)) == {a.tenant.pk}


def test_platform_transactions_show_status_only_to_the_client_they_were_sent_for(
    devnet: DevnetHandle, tron_api: TenantApiClient, other_tron_api: TenantApiClient
) -> None:
    a, b = tron_api, other_tron_api
    with _genesis_signer(devnet) as sender:
        for_a = outgoing_create(
            call=contracts.trx_transfer(owner=sender.address, to=RECIPIENT, amount_sun=11),
            reference="payout:a-1",
            client=a.tenant,
            enqueue=False,
        )
        housekeeping = outgoing_create(
            call=contracts.trx_transfer(owner=sender.address, to=RECIPIENT, amount_sun=22),
            reference="fee-topup:1",
            enqueue=False,
        )
        for outgoing in (for_a, housekeeping):
            outgoing_process(outgoing.pk)
        devnet.mine(1 + SOLID_LAG)
        for outgoing in (for_a, housekeeping):
            assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL
    for_a.refresh_from_db()
    housekeeping.refresh_from_db()

    code, platform = _status(a, for_a.txid)
    assert code == 200 and platform is not None
    assert platform["outgoing"]["status"] == "final"
    assert platform["outgoing"]["origin"] == "platform"
    assert _status(b, for_a.txid) == (200, None)
    # The platform's own transaction: chain facts for everyone, our status for nobody.
    assert _status(a, housekeeping.txid) == (200, None)
    assert _status(b, housekeeping.txid) == (200, None)


def test_transfers_we_saw_show_only_to_the_client_watching_the_address(
    devnet: DevnetHandle, tron_api: TenantApiClient, other_tron_api: TenantApiClient
) -> None:
    a, b = tron_api, other_tron_api
    customer = customer_create(
        client=a.tenant, external_ref="alice", actor=AuditActor.system("test")
    )
    deposit_of_a = PrivateKeySigner(b"\x0b" * 32).address
    address_of_b = PrivateKeySigner(b"\x0c" * 32).address
    platform_address = PrivateKeySigner(b"\x0d" * 32).address
    watch_address(address=deposit_of_a, purpose="deposit", owner=customer)
    watch_address(address=address_of_b, purpose="hot", owner=b.tenant)
    watch_address(address=platform_address, purpose="fees")
    to_a = devnet.faucet(deposit_of_a, trx=5_000_000)["trx"]
    devnet.mine()
    to_b = devnet.faucet(address_of_b, trx=6_000_000)["trx"]
    devnet.mine()
    to_platform = devnet.faucet(platform_address, trx=7_000_000)["trx"]
    devnet.mine()
    scan_once(BlockScanner())

    code, platform = _status(a, to_a)
    assert code == 200 and platform is not None
    assert platform == {
        "outgoing": None,
        "transfers": [
            {
                "index": 0,
                "asset": "TRX",
                "status": "seen",
                "amount": 5_000_000,
                "to_address": deposit_of_a,
            }
        ],
    }
    assert _status(b, to_a) == (200, None)
    assert _status(a, to_b) == (200, None)
    assert _status(b, to_b)[1] is not None
    assert _status(a, to_platform) == (200, None)
    assert _status(b, to_platform) == (200, None)


def test_owner_rows_that_name_no_client_belong_to_nobody(tron_api: TenantApiClient) -> None:
    tenant = tron_api.tenant
    assert owner_client_id("accounts.client", str(tenant.pk)) == tenant.pk
    assert owner_client_id("", "") is None
    assert owner_client_id("no_such_app.thing", "1") is None
    assert owner_client_id("accounts.client", "not-a-number") is None
    assert owner_client_id("accounts.customer", "not-a-number") is None
    assert owner_client_id("accounts.customer", "999999") is None  # gone
    assert owner_client_id("tron.scancursor", "devnet") is None  # no client field
