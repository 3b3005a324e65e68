"""Read the node once for the dashboard: head and solid block, and each platform-run
wallet's balances, resources and stake; store it as a ``NodeReading``.

Network calls happen before the one insert, never inside a transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from lucid_payments.console.models import NodeReading
from lucid_payments.core.errors import ApplicationError
from lucid_payments.tron.adapter import accounts, reads, trc20
from lucid_payments.tron.adapter.node import TronNode, get_node
from wallets.models import Wallet
from wallets.models.wallets import WalletKind
from wallets.tokens import usdt_contract

# The wallets an operator watches on the front page; deposit addresses are reconcile's.
WATCHED_KINDS = (WalletKind.HOT, WalletKind.COLD, WalletKind.FEE, WalletKind.ENERGY)


def _wallet_figures(node: TronNode, wallet: Wallet, contract: str) -> dict[str, Any]:
    account = accounts.account(node, wallet.address)
    res = account.resources
    return {
        "wallet_id": wallet.pk,
        "kind": wallet.kind,
        "label": wallet.label,
        "client": wallet.client.name if wallet.client is not None else "",
        "address": wallet.address,
        "trx_sun": account.balance_sun,
        "usdt_units": trc20.balance_of(node, contract=contract, holder=wallet.address),
        "staked_sun": sum(account.frozen_sun.values()),
        "delegated_out_sun": sum(account.delegated_out_sun.values()),
        "energy_available": max(res.energy_limit - res.energy_used, 0),
        "energy_limit": res.energy_limit,
        "bandwidth_available": max(res.net_limit - res.net_used, 0)
        + max(res.free_net_limit - res.free_net_used, 0),
        "bandwidth_limit": res.net_limit + res.free_net_limit,
        "unfreezing_sun": sum(item.amount_sun for item in account.unfreezing),
        "unfreezing_count": len(account.unfreezing),
    }


def node_reading_take(*, node: TronNode | None = None) -> NodeReading:
    """Read and store. A node error is stored too (the dashboard counts them)."""
    network = str(settings.TRON_NETWORK)
    wallets = list(
        Wallet.objects.filter(network=network, kind__in=WATCHED_KINDS)
        .select_related("client")
        .order_by("kind", "id")
    )
    head = solid = None
    figures: list[dict[str, Any]] = []
    error = ""
    try:
        node = node or get_node()
        head = reads.now_block(node).number
        solid = reads.now_block(node, solid=True).number
        contract = usdt_contract(network)
        figures = [_wallet_figures(node, wallet, contract) for wallet in wallets]
    except ApplicationError as exc:  # the node's refusals and outages alike
        error = exc.message
    return NodeReading.objects.create(
        read_at=timezone.now(),
        network=network,
        head_block=head,
        solid_block=solid,
        wallets=figures,
        error=error,
    )


def node_reading_latest() -> NodeReading | None:
    return NodeReading.objects.filter(network=str(settings.TRON_NETWORK)).first()
