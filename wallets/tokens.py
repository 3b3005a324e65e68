"""Which TRC20 contract is USDT on the configured network.

``settings.USDT_CONTRACT`` (if set) wins; otherwise the well-known contract of each public
network, and the devnet's fixed genesis token.
"""

from __future__ import annotations

from django.conf import settings

from lucid_payments.core.money import Asset

_PUBLIC_USDT_CONTRACTS = {
    "mainnet": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "nile": "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf",
    "shasta": "TG3XXyExBkPp9nzdajDZsozEu4BkaSJozs",
}


def usdt_contract(network: str | None = None) -> str:
    configured: str = getattr(settings, "USDT_CONTRACT", "")
    network = network or settings.TRON_NETWORK
    if configured and network == settings.TRON_NETWORK:
        return configured
    if network == "devnet":
        from devnet.genesis import TOKEN_ADDRESS  # the devnet's token never moves

        return str(TOKEN_ADDRESS)
    return _PUBLIC_USDT_CONTRACTS[network]


def asset_of_transfer(*, network: str, asset: str, token_contract: str) -> Asset | None:
    """Our asset for a chain transfer, or None for a token we do not handle."""
    if asset == "TRX":
        return Asset.TRX
    if asset == "TRC20" and token_contract == usdt_contract(network):
        return Asset.USDT
    return None
