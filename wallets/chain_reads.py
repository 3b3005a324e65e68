"""What the chain says about one of our addresses: TRX and USDT balances, resources.

Network calls: never call these inside a database transaction.
"""

from __future__ import annotations

from typing import Any

from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.addresses import to_hex
from lucid_payments.tron.api.queries import account_detail
from wallets.tokens import usdt_contract

BALANCE_OF_SELECTOR = "balanceOf(address)"


def trc20_balance(node: TronNode, *, contract: str, holder: str) -> int:
    """``balanceOf(holder)`` through a constant call (no transaction, no fee)."""
    # ABI: the address argument is the 20-byte address (without 0x41) left-padded to 32.
    argument = to_hex(holder)[2:].rjust(64, "0")
    result = node.post(
        "wallet/triggerconstantcontract",
        {
            "owner_address": holder,
            "contract_address": contract,
            "function_selector": BALANCE_OF_SELECTOR,
            "parameter": argument,
            "visible": True,
        },
    )
    values = result.get("constant_result") or ["0"]
    return int(values[0] or "0", 16)


def address_chain_view(address: str, *, node: TronNode | None = None) -> dict[str, Any]:
    node = node or get_node()
    account = account_detail(node, address)
    return {
        "trx_sun": account["balance_sun"],
        "usdt_units": trc20_balance(node, contract=usdt_contract(), holder=address),
        "activated": account["exists"],
        "resources": account["resources"],
    }
