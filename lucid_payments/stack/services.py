"""The HTTP services of the platform: name, settings module and default port.

Kept free of Django imports so that gunicorn's config file and the container health
check can use it before (or without) loading settings. tests/deploy checks that each
port here equals the settings module's own SERVICE_PORT.
"""

from __future__ import annotations

from dataclasses import dataclass

DEVNET_PORT = 8090


@dataclass(frozen=True)
class Service:
    name: str
    settings_module: str
    port: int
    # The admin process serves the Django admin rather than a client API.
    has_api: bool = True


SERVICES: tuple[Service, ...] = (
    Service("tron-client", "lucid_payments.settings.tron_client", 8091),
    Service("payout-router", "lucid_payments.settings.payout_router", 8092),
    Service("wallet-manager", "lucid_payments.settings.wallet_manager", 8093),
    Service("usdt-manager", "lucid_payments.settings.usdt_manager", 8094),
    # 8095 belongs to a neighbouring service; it is deliberately skipped.
    Service("trx-staking", "lucid_payments.settings.trx_staking", 8096),
    Service("payment-gateway", "lucid_payments.settings.payment_gateway", 8097),
    Service("admin", "lucid_payments.settings.admin", 8098, has_api=False),
)


def service_for_settings(settings_module: str) -> Service | None:
    for service in SERVICES:
        if service.settings_module == settings_module:
            return service
    return None
