"""Fixtures for the API fuzz run: a tenant with an object of every kind (tests/security's
tenant world: customers with KYC, wallets, transfers, stakes, invoices, refunds, webhook
endpoints, deliveries, events) and a devnet the platform's node settings point at.

The devnet fixture is the chain tests' own (tests/tron/conftest.py), so chain reads answer
from a real node over HTTP rather than from a stub.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.security.cross_tenant_registry import REGISTRY
from tests.security.tenant_world import TenantWorld, tenant_world
from tests.tron.conftest import DevnetHandle, devnet  # noqa: F401 - the shared devnet fixture
from tests.wallets.conftest import TEST_MASTER_KEY


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: property-based API run (FUZZ_EXAMPLES sets its budget)"
    )


@dataclass(frozen=True)
class FuzzTenant:
    """What a generated request may refer to: ids that exist and belong to the caller."""

    world: TenantWorld
    devnet: DevnetHandle

    @property
    def api_key(self) -> str:
        return self.world.tenant.key

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def path_ids(self, template: str) -> dict[str, Any]:
        """Path parameter values of the tenant's object behind ``template`` (a path as the
        documents spell it): the cross-tenant registry's, so both runs reach the same rows."""
        entry = REGISTRY.get(template)
        return entry.path_ids(self.world.ids) if entry else {}


@pytest.fixture
def fuzz_tenant(
    db: None,
    settings: Any,
    tmp_path: Path,
    devnet: DevnetHandle,  # noqa: F811 - the fixture imported above
) -> FuzzTenant:
    settings.LUCID_MASTER_KEY = TEST_MASTER_KEY
    settings.LUCID_MASTER_KEYS_RETIRED = []
    settings.MEDIA_ROOT = tmp_path / "media"
    # Webhook deliveries go to a closed loopback port (allowed for the run), so a generated
    # redelivery fails fast.
    settings.WEBHOOK_ALLOWED_CIDRS = ["127.0.0.0/8"]
    # A large run sends far more than the per-key rate; past it every answer would be 429
    # and nothing else would be tested (429 itself is still a documented answer).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/min"},
    }
    return FuzzTenant(world=tenant_world(devnet, name="fuzz"), devnet=devnet)
