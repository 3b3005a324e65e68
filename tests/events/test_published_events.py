"""What each app publishes, end to end: deposits on the devnet (seen, credited, dropped),
wallet transfers, KYC reviews. Each event's data is the object as the API shows it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lucid_payments.accounts.kyc_services import kyc_approve, kyc_expire_due, kyc_reject
from lucid_payments.accounts.models import Customer
from lucid_payments.events.models import Event
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.accounts.conftest import make_operator
from tests.accounts.kyc_factories import make_application
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include

pytestmark = pytest.mark.django_db

FIVE_TRX = 5_000_000


def _events(client_id: int) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, e.data) for e in Event.objects.filter(client_id=client_id).order_by("id")]


@pytest.mark.devnet
def test_a_customer_deposit_is_seen_then_credited_once(
    devnet: DevnetHandle, gateway_api: tuple[Any, Any]
) -> None:
    tenant, api = gateway_api
    customer = Customer.objects.create(client=tenant, external_ref="alice")
    address = api.post(f"/api/v1/customers/{customer.pk}/deposit-address").json()["address"]
    txid = devnet.faucet(address, trx=FIVE_TRX)["trx"]
    scanner = BlockScanner()

    devnet.mine()
    scan_once(scanner)
    devnet.mine(SOLID_LAG)
    scan_once(scanner)
    scan_once(BlockScanner())  # a second reading publishes nothing new

    expected = {
        "id": f"{txid}:0",
        "network": "devnet",
        "txid": txid,
        "index": 0,
        "amount": {"amount": "5", "asset": "TRX"},
        "from_address": devnet.accounts[-1].address,
        "to_address": address,
        "customer_id": customer.pk,
    }
    events = _events(tenant.pk)
    assert [t for t, _ in events] == ["deposit.seen", "deposit.credited"]
    for (_, data), status in zip(events, ["seen", "credited"], strict=True):
        assert {k: v for k, v in data.items() if k != "block_number"} == expected | {
            "status": status
        }
    listed = api.get("/api/v1/events", {"object_id": f"{txid}:0"}).json()["events"]
    assert [e["type"] for e in listed] == ["deposit.credited", "deposit.seen"]


@pytest.mark.devnet
def test_a_deposit_whose_block_leaves_the_chain_is_dropped(
    devnet: DevnetHandle, gateway_api: tuple[Any, Any]
) -> None:
    tenant, api = gateway_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    scanner = BlockScanner()
    devnet.mine(SOLID_LAG)
    devnet.faucet(wallet["address"], trx=FIVE_TRX)
    devnet.mine()
    scan_once(scanner)

    devnet.fork(1)
    devnet.mine(2)  # a longer chain without the transfer
    scan_once(scanner)

    events = _events(tenant.pk)
    assert [t for t, _ in events] == ["deposit.seen", "deposit.dropped"]
    assert events[1][1]["customer_id"] is None  # the client's own wallet: no customer


@pytest.mark.devnet
def test_a_wallet_transfer_that_is_final_is_confirmed(
    devnet: DevnetHandle, gateway_api: tuple[Any, Any]
) -> None:
    tenant, api = gateway_api
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=10_000_000)
    response = api.post(
        f"/api/v1/wallets/{hot['id']}/transfers",
        {"to": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "amount": {"amount": "2", "asset": "TRX"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="events-transfer",
    )
    assert response.status_code == 202, response.content
    outgoing_id = response.json()["id"]

    include(devnet, outgoing_id)
    finalize(devnet, outgoing_id)

    confirmed = [data for t, data in _events(tenant.pk) if t.startswith("wallet_transfer.")]
    assert len(confirmed) == 1
    assert confirmed[0] | {"txid": ""} == response.json() | {
        "status": "final",
        "txid": "",
        "failure_code": "",
        "failure_message": "",
    }
    assert Event.objects.get(type="wallet_transfer.confirmed").object_id == str(outgoing_id)


def test_kyc_reviews_are_published(gateway_api: tuple[Any, Any]) -> None:
    tenant, _ = gateway_api
    bob = make_operator("bob-events")
    approved = make_application(Customer.objects.create(client=tenant, external_ref="a"))
    rejected = make_application(Customer.objects.create(client=tenant, external_ref="r"))

    kyc_approve(application_id=approved.pk, operator=bob, reason="documents match")
    kyc_reject(application_id=rejected.pk, operator=bob, reason="blurred")
    kyc_expire_due(now=timezone.now() + timedelta(days=400))
    kyc_expire_due(now=timezone.now() + timedelta(days=400))  # nothing twice

    events = _events(tenant.pk)
    assert [(t, d["id"], d["status"]) for t, d in events] == [
        ("kyc.approved", approved.pk, "approved"),
        ("kyc.rejected", rejected.pk, "rejected"),
        ("kyc.expired", approved.pk, "expired"),
    ]
    assert events[0][1]["expires_at"] is not None
