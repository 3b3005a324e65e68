"""Which TRC20 contract is USDT on a network, for the wallets app (the registry itself is
``lucid_payments.tron.tokens``)."""

from __future__ import annotations

from lucid_payments.core.money import Asset
from lucid_payments.tron.tokens import token_contract_address


def usdt_contract(network: str | None = None) -> str:
    return token_contract_address(Asset.USDT, network)


def asset_of_transfer(*, network: str, asset: str, token_contract: str) -> Asset | None:
    """Our asset for a chain transfer, or None for a token we do not handle."""
    if asset == "TRX":
        return Asset.TRX
    if asset == "TRC20" and token_contract == usdt_contract(network):
        return Asset.USDT
    return None
