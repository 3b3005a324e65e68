"""A tenant with something in every table a client can reach: built through the public API
on the devnet, as a client application would build it, so the rows are the real ones.

Used where a test needs the ids of a tenant's objects of every kind: the cross-tenant
matrix (another client must get 404 for each of them) and the API fuzz run (generated
requests reach past the lookups into the code behind them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client
from lucid_payments.accounts.scopes import ALL_SCOPES
from lucid_payments.accounts.services import api_key_create, client_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.accounts.conftest import PNG_BYTES
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet
from tests.wallets.conftest import next_owner_id

TRX = 1_000_000
USDT = 1_000_000
KYC_IDENTITY = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1990-12-10",
    "country": "GB",
    "document_type": "passport",
    "document_number": "P1234567",
}


def kyc_form() -> dict[str, Any]:
    """A complete KYC submission (identity and the front of the document)."""
    front = SimpleUploadedFile("front.png", PNG_BYTES, content_type="image/png")
    return {**KYC_IDENTITY, "document_front": front}


@dataclass
class KeyedTenant:
    """A client application with an all-scopes key, talking to the platform's views."""

    client: Client
    key: str
    api: APIClient = field(init=False)

    def __post_init__(self) -> None:
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {self.key}")

    def post(self, path: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.api.post(
            path, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **extra
        )

    def created(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST that must be accepted; its body."""
        response = self.post(path, body)
        assert response.status_code in (200, 201, 202), (path, response.content)
        return dict(response.json())


def keyed_tenant(name: str) -> KeyedTenant:
    client = client_create(name=f"{name}-{next_owner_id()}")
    _, key = api_key_create(client=client, name=name, scopes=list(ALL_SCOPES))
    return KeyedTenant(client, key)


@dataclass(frozen=True)
class TenantWorld:
    """The tenant and the ids of its objects, by the path parameter names that take them."""

    tenant: KeyedTenant
    ids: dict[str, Any]


def _settle(devnet: DevnetHandle, outgoing_id: int) -> None:
    """Sign, broadcast, include and solidify one outgoing transaction."""
    outgoing_process(outgoing_id)
    devnet.mine(SOLID_LAG + 1)
    outgoing_process(outgoing_id)
    outgoing_process(outgoing_id)


def tenant_world(devnet: DevnetHandle, *, name: str = "world") -> TenantWorld:
    """A tenant holding one object of every kind the API names in a path (and what hangs off
    them: KYC, deposit addresses, transfers, approvals, stakes, refunds, events, deliveries,
    a payout, a book transfer, a sweep).

    Needs a devnet the node settings point at, webhook delivery to loopback allowed, a
    private MEDIA_ROOT and a master key set (the callers' fixtures do that)."""
    from gateway.sweeps.models import SweepSettings
    from gateway.webhooks.models import WebhookDelivery
    from staking.models import StakingOperation
    from usdt.models import UsdtTransfer

    tenant = keyed_tenant(name)
    # Only the customer's TRX deposit is over a threshold: one sweep, a TRX one (a USDT
    # sweep of the invoice's address would wait for energy the world does not rent).
    SweepSettings.objects.create(client=tenant.client, threshold_usdt_units=10**15)
    with override_settings(ROOT_URLCONF="lucid_payments.urls.all_services"):
        endpoint = tenant.created(
            "/api/v1/webhook-endpoints",
            {"url": "http://127.0.0.1:9/hooks", "events": ["*"], "description": name},
        )
        customer = tenant.created("/api/v1/customers", {"external_ref": f"{name}-customer"})
        kyc = tenant.api.post(
            f"/api/v1/customers/{customer['id']}/kyc", kyc_form(), format="multipart"
        )
        assert kyc.status_code in (200, 201, 202), kyc.content
        deposit = tenant.created(f"/api/v1/customers/{customer['id']}/deposit-address")
        wallet = funded_hot_wallet(
            devnet, tenant.api, tenant.client.pk, trx=2_000 * TRX, usdt=1_000 * USDT
        )
        tenant.created(f"/api/v1/wallets/{wallet['id']}/addresses", {"label": name})
        receiver = devnet.accounts[6].address
        trx_transfer = tenant.created(
            f"/api/v1/wallets/{wallet['id']}/transfers",
            {"to": receiver, "amount": {"amount": "1", "asset": "TRX"}},
        )
        _settle(devnet, int(trx_transfer["id"]))
        usdt_transfer = tenant.created(
            "/api/v1/usdt/transfers",
            {"wallet_id": wallet["id"], "to": receiver, "amount": {"amount": "1", "asset": "USDT"}},
        )
        transfer = UsdtTransfer.objects.get(pk=usdt_transfer["id"])
        _settle(devnet, transfer.outgoing_id)
        tenant.created(
            "/api/v1/usdt/approvals",
            {
                "wallet_id": wallet["id"],
                "spender": receiver,
                "amount": {"amount": "5", "asset": "USDT"},
            },
        )
        freeze = tenant.created(
            "/api/v1/staking/freeze",
            {
                "wallet_id": wallet["id"],
                "amount": {"amount": "100", "asset": "TRX"},
                "resource": "ENERGY",
            },
        )
        _settle(devnet, StakingOperation.objects.get(pk=freeze["id"]).outgoing_id)
        delegate = tenant.created(
            "/api/v1/staking/delegations",
            {
                "wallet_id": wallet["id"],
                "receiver": receiver,
                "amount": {"amount": "10", "asset": "TRX"},
                "resource": "ENERGY",
            },
        )
        delegation = StakingOperation.objects.get(pk=delegate["id"])
        _settle(devnet, delegation.outgoing_id)
        delegation.refresh_from_db()
        invoice = tenant.created("/api/v1/invoices", {"asset": "USDT", "amount": "10"})
        devnet.faucet(invoice["address"], usdt=10 * USDT)
        devnet.faucet(deposit["address"], trx=SWEPT_DEPOSIT_TRX * TRX)
        devnet.mine(SOLID_LAG + 1)
        scan_once(BlockScanner())
        tenant.created(
            f"/api/v1/invoices/{invoice['id']}/refunds", {"amount": "1", "to_address": receiver}
        )
        book_transfer = tenant.created(
            "/api/v1/ledger/transfers",
            {
                "from": {"type": "customer", "customer_id": customer["id"]},
                "to": {"type": "client"},
                "amount": {"amount": "1", "asset": "TRX"},
                "reference": f"{name}-book-transfer",
            },
        )
        payout = _internal_payout(tenant, customer_id=customer["id"], to=deposit["address"])
        batch = tenant.created(
            "/api/v1/payouts/batches",
            {
                "schedule": "daily",  # held, released at midnight: stays put for the tests
                "items": [
                    {
                        "customer_id": customer["id"],
                        "destination": deposit["address"],
                        "asset": "USDT",
                        "amount": "0.5",
                        "reference": f"{tenant.client.pk}-batch-item",
                    }
                ],
            },
        )
        sweep = _swept(devnet, deposit["address"])
    delivery = (
        WebhookDelivery.objects.select_related("event")
        .filter(endpoint__public_id=endpoint["id"])
        .order_by("id")
        .first()
    )
    assert delivery is not None, "no event was delivered to the tenant's endpoint"
    return TenantWorld(
        tenant=tenant,
        ids={
            "customer_id": customer["id"],
            "wallet_id": wallet["id"],
            "wallet_address": wallet["address"],
            "deposit_address": deposit["address"],
            "trx_txid": _txid(int(trx_transfer["id"])),
            "transfer_id": usdt_transfer["id"],
            "usdt_txid": UsdtTransfer.objects.get(pk=usdt_transfer["id"]).txid,
            "operation_id": freeze["id"],
            "delegation_id": delegation.delegation_id,
            "invoice_id": invoice["id"],
            "endpoint_id": endpoint["id"],
            "delivery_id": delivery.public_id,
            "event_id": delivery.event.public_id,
            "receiver": receiver,
            "payout_id": payout,
            "payout_batch_id": batch["id"],
            "ledger_transfer_id": book_transfer["id"],
            "sweep_id": sweep,
        },
    )


# Over the default TRX sweep threshold (50 TRX), so the deposit address gets swept.
SWEPT_DEPOSIT_TRX = 60


def _internal_payout(tenant: KeyedTenant, *, customer_id: int, to: str) -> str:
    """A payout of the client's USDT (the paid invoice's) to an address in our custody: it
    settles on the ledger alone, confirmed without a transaction."""
    from payouts.models import Payout
    from payouts.sending import payout_send

    payout = tenant.created(
        "/api/v1/payouts",
        {
            "customer_id": customer_id,
            "destination": to,
            "asset": "USDT",
            "amount": "1",
            "reference": f"{tenant.client.pk}-payout",
        },
    )
    sent = payout_send(payout_id=Payout.objects.get(public_id=payout["id"]).pk)
    assert sent == "confirmed", sent
    return str(payout["id"])


def _swept(devnet: DevnetHandle, address: str) -> str:
    """The sweep of ``address`` to the hot wallet, sent to final and completed with its cost."""
    from gateway.sweeps.models import Sweep, SweepStatus
    from gateway.sweeps.runner import sweeps_run

    sweeps_run(limit=50)
    sweep = Sweep.objects.get(source_address=address)
    assert sweep.outgoing_id is not None, sweep.status
    _settle(devnet, sweep.outgoing_id)
    sweeps_run(limit=50)
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.COMPLETED, sweep.status
    return sweep.public_id


def _txid(outgoing_id: int) -> str:
    from lucid_payments.tron.selectors import outgoing_get

    outgoing = outgoing_get(outgoing_id=outgoing_id)
    assert outgoing is not None
    return str(outgoing.txid)
