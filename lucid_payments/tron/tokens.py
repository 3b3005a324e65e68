"""The token registry: which TRC20 contract is each of our tokens on each network, and its
decimals and symbol as the contract states them.

Contracts: USDT on mainnet is Tether's and fixed; on Nile and Shasta it is the faucets'
test USDT unless ``USDT_CONTRACT`` names another; on the devnet it is the genesis token
(``USDT_CONTRACT`` may name another, for a devnet not started from our genesis).

Decimals and symbol are read from the contract the first time a token is needed and
stored (``TokenContract``); every later read comes from the database. A contract whose
decimals differ from our asset's is refused: amounts would be off by powers of ten.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.money import Asset, asset_decimals
from lucid_payments.tron.adapter import trc20
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.addresses import normalize_address
from lucid_payments.tron.models import TokenContract

MAINNET_USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
_DEFAULT_USDT = {
    "mainnet": MAINNET_USDT,
    "nile": "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf",
    "shasta": "TG3XXyExBkPp9nzdajDZsozEu4BkaSJozs",
}
TOKENS = (Asset.USDT,)


@dataclass(frozen=True, slots=True)
class Token:
    network: str
    asset: Asset
    contract: str  # base58
    symbol: str
    decimals: int


def _configured_usdt() -> str:
    configured: str = getattr(settings, "USDT_CONTRACT", "")
    if not configured:
        return ""
    try:
        return normalize_address(configured)
    except InvalidInput as exc:
        raise ImproperlyConfigured(f"USDT_CONTRACT is not a TRON address: {configured!r}") from exc


def token_contract_address(asset: Asset | str, network: str | None = None) -> str:
    """The base58 contract of ``asset`` on ``network`` (default: the configured one)."""
    if Asset(asset) != Asset.USDT:
        raise ValueError(f"{asset} is not a token")
    network = network or settings.TRON_NETWORK
    configured = _configured_usdt() if network == settings.TRON_NETWORK else ""
    if network == "mainnet":
        if configured and configured != MAINNET_USDT:
            raise ImproperlyConfigured(
                f"USDT_CONTRACT is {configured}, but mainnet USDT is {MAINNET_USDT}."
            )
        return MAINNET_USDT
    if configured:
        return configured
    if network == "devnet":
        from devnet.genesis import TOKEN_ADDRESS  # the devnet's token never moves

        return str(TOKEN_ADDRESS)
    return _DEFAULT_USDT[network]


def _stored(network: str, contract: str) -> TokenContract | None:
    return TokenContract.objects.filter(network=network, contract=contract).first()


def _token(row: TokenContract) -> Token:
    return Token(
        network=row.network,
        asset=Asset(row.asset),
        contract=row.contract,
        symbol=row.symbol,
        decimals=row.decimals,
    )


def token_get(asset: Asset | str, *, node: TronNode | None = None) -> Token:
    """``asset`` on the configured network, with decimals and symbol.

    The first call per contract reads the contract (a network call: never inside a
    database transaction) and stores the answer; later calls only read the row.
    Node errors (``NodeUnavailable``, ``NodeRejected``) pass up and store nothing.
    """
    asset = Asset(asset)
    network = settings.TRON_NETWORK
    contract = token_contract_address(asset, network)
    row = _stored(network, contract)
    if row is not None:
        return _token(row)
    node = node or get_node()
    decimals = trc20.decimals(node, contract=contract)
    symbol = trc20.symbol(node, contract=contract)
    if decimals != asset_decimals(asset):
        raise ImproperlyConfigured(
            f"{contract} on {network} has {decimals} decimals; our {asset.value} has "
            f"{asset_decimals(asset)}. Check USDT_CONTRACT."
        )
    with transaction.atomic():
        # Two processes may read the contract at once: the first row wins, both agree.
        TokenContract.objects.bulk_create(
            [
                TokenContract(
                    network=network,
                    asset=asset.value,
                    contract=contract,
                    symbol=symbol[:64],
                    decimals=decimals,
                )
            ],
            ignore_conflicts=True,
        )
    row = _stored(network, contract)
    assert row is not None  # just written, by us or by the process that won
    return _token(row)
