"""What the chain says about one of our addresses: TRX and USDT balances, resources.

Network calls: never call these inside a database transaction.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from lucid_payments.tron.adapter import accounts, trc20
from lucid_payments.tron.adapter.node import TronNode, get_node
from wallets.tokens import usdt_contract


def address_chain_view(address: str, *, node: TronNode | None = None) -> dict[str, Any]:
    node = node or get_node()
    account = accounts.account(node, address)
    return {
        "trx_sun": account.balance_sun,
        # Its own TRX that Stake 2.0 holds: frozen, delegated out, unfreezing.
        "staked_sun": account.staked_total_sun,
        "usdt_units": trc20.balance_of(node, contract=usdt_contract(), holder=address),
        "activated": account.exists,
        "resources": asdict(account.resources),
    }
