"""What the chain says about a wallet's Stake 2.0 state, for ``GET resources``.

Network calls: never call inside a database transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter import accounts, reads
from lucid_payments.tron.adapter.node import TronNode, get_node
from wallets.api.serializers import money
from wallets.ledger.owners import LedgerOwner
from wallets.models.ledger import Bucket, LedgerAccount
from wallets.models.wallets import Wallet


def _per_resource(amounts: dict[str, int]) -> dict[str, Any]:
    return {
        "energy": money(amounts.get("ENERGY", 0), Asset.TRX),
        "bandwidth": money(amounts.get("BANDWIDTH", 0), Asset.TRX),
    }


def _ledger_staked(client_id: int) -> int:
    owner = LedgerOwner.client(client_id)
    account = LedgerAccount.objects.filter(
        owner_type=owner.type, owner_id=owner.id, asset=Asset.TRX, bucket=Bucket.STAKED
    ).first()
    return account.balance if account else 0


def wallet_resources(wallet: Wallet, *, node: TronNode | None = None) -> dict[str, Any]:
    """The wallet's stake, delegations, resources, pending unfreezes, votes and reward."""
    node = node or get_node()
    account = accounts.account(node, wallet.address)
    reward = accounts.reward(node, wallet.address) if account.exists else 0
    now_ms = reads.now_block(node).timestamp_ms
    res = account.resources
    assert wallet.client_id is not None
    return {
        "wallet_id": wallet.pk,
        "address": wallet.address,
        "staked": _per_resource(account.frozen_sun),
        "delegated_out": _per_resource(account.delegated_out_sun),
        "delegated_in": _per_resource(account.delegated_in_sun),
        "energy": {
            "available": max(res.energy_limit - res.energy_used, 0),
            "limit": res.energy_limit,
        },
        "bandwidth": {
            "available": max(res.net_limit - res.net_used, 0),
            "limit": res.net_limit,
            "free_available": max(res.free_net_limit - res.free_net_used, 0),
            "free_limit": res.free_net_limit,
        },
        "pending_unfreezes": [
            {
                "resource": item.resource,
                "amount": money(item.amount_sun, Asset.TRX),
                "expires_at": datetime.fromtimestamp(item.expire_time_ms / 1000, tz=UTC),
                "withdrawable": item.expire_time_ms <= now_ms,
            }
            for item in account.unfreezing
        ],
        "tron_power": res.tron_power_limit,
        "votes": [{"witness": vote.witness, "count": vote.count} for vote in account.votes],
        "unclaimed_reward": money(reward, Asset.TRX),
        "ledger_staked": money(_ledger_staked(wallet.client_id), Asset.TRX),
    }
