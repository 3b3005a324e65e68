"""Fixtures for the API fuzz run: a demo tenant with an all-scopes key, a customer and a
hot wallet it owns, and a devnet the platform's node settings point at.

The devnet fixture is the chain tests' own (tests/tron/conftest.py), so chain reads answer
from a real node over HTTP rather than from a stub.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lucid_payments.accounts.models import Client, Customer
from tests.tron.conftest import DevnetHandle, devnet  # noqa: F401 - the shared devnet fixture
from tests.wallets.conftest import TEST_MASTER_KEY

FUNDING_UNITS = 1_000_000_000  # 1,000 TRX / 1,000 USDT in base units


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: property-based API run (LUCID_FUZZ_EXAMPLES sets its budget)"
    )


@dataclass(frozen=True)
class FuzzTenant:
    """What a generated request may refer to: ids that exist and belong to the caller."""

    client: Client
    api_key: str
    customer: Customer
    wallet_id: int
    wallet_address: str
    funding_txid: str
    invoice_id: str
    devnet: DevnetHandle
    webhook_endpoint_id: str
    webhook_delivery_id: str
    event_id: str

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@pytest.fixture
def fuzz_tenant(
    db: None,
    settings: pytest.FixtureRequest,
    devnet: DevnetHandle,  # noqa: F811 - the fixture imported above
) -> FuzzTenant:
    from gateway.invoices.services import invoice_create
    from lucid_payments.accounts.services import api_key_create, client_create, customer_create
    from lucid_payments.core.audit import AuditActor
    from lucid_payments.core.money import Asset
    from lucid_payments.tron.scanner import BlockScanner, scan_once
    from wallets.models import WalletKind
    from wallets.services import wallet_create

    settings.LUCID_MASTER_KEY = TEST_MASTER_KEY  # type: ignore[attr-defined]
    settings.LUCID_MASTER_KEYS_RETIRED = []  # type: ignore[attr-defined]
    # A large run sends far more than the per-key rate; past it every answer would be 429
    # and nothing else would be tested (429 itself is still a documented answer).
    settings.REST_FRAMEWORK = {  # type: ignore[attr-defined]
        **settings.REST_FRAMEWORK,  # type: ignore[attr-defined]
        "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/min"},
    }
    tenant = client_create(name="fuzz-demo")
    _, plaintext = api_key_create(client=tenant, name="fuzz", scopes=None)
    customer = customer_create(
        client=tenant, external_ref="fuzz-customer-1", actor=AuditActor.system("fuzz")
    )
    wallet = wallet_create(kind=WalletKind.HOT, client=tenant, label="fuzz hot")
    webhook_endpoint_id = _webhook_endpoint(tenant, settings)
    # Funds on chain, final and credited to the tenant by the scanner, so a generated
    # transfer can get past the balance check into signing and broadcasting; their deposit
    # events give the events API something to list and the endpoint its deliveries.
    txids = devnet.faucet(wallet.address, trx=FUNDING_UNITS, usdt=FUNDING_UNITS)
    # A paid invoice, so generated refunds get past the lookup and the "what was paid" check.
    invoice = invoice_create(
        client=tenant, asset=Asset.TRX, amount=FUNDING_UNITS // 10, actor=AuditActor.system("fuzz")
    )
    devnet.faucet(invoice.address.address, trx=FUNDING_UNITS // 10)
    devnet.mine(4)
    scan_once(BlockScanner())
    webhook_delivery_id, event_id = _first_delivery(webhook_endpoint_id)
    return FuzzTenant(
        client=tenant,
        api_key=plaintext,
        customer=customer,
        wallet_id=wallet.pk,
        wallet_address=wallet.address,
        funding_txid=txids["trx"],
        invoice_id=invoice.public_id,
        devnet=devnet,
        webhook_endpoint_id=webhook_endpoint_id,
        webhook_delivery_id=webhook_delivery_id,
        event_id=event_id,
    )


def _webhook_endpoint(tenant: Client, settings: pytest.FixtureRequest) -> str:
    """A webhook endpoint for every event type, pointing at a closed loopback port
    (allowed for the run), so a generated redelivery fails fast."""
    from gateway.webhooks.services import endpoint_create
    from lucid_payments.core.audit import AuditActor

    settings.WEBHOOK_ALLOWED_CIDRS = ["127.0.0.0/8"]  # type: ignore[attr-defined]
    made = endpoint_create(
        client=tenant,
        url="http://127.0.0.1:9/hooks",
        events=["*"],
        description="fuzz",
        actor=AuditActor.system("fuzz"),
    )
    return str(made.endpoint.public_id)


def _first_delivery(endpoint_id: str) -> tuple[str, str]:
    """(delivery id, event id) of the endpoint's first delivery."""
    from gateway.webhooks.models import WebhookDelivery

    delivery = (
        WebhookDelivery.objects.select_related("event")
        .filter(endpoint__public_id=endpoint_id)
        .order_by("id")
        .first()
    )
    assert delivery is not None, "the funding deposits were not delivered to the endpoint"
    return delivery.public_id, delivery.event.public_id
