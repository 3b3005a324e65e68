"""The usdt-manager's chain reads, through the tron adapter's typed reads (network calls:
never inside a database transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from lucid_payments.core.errors import NotFound
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter import trc20
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.reads import block_by_number, token_transfers, transaction_info
from lucid_payments.tron.addresses import hex_to_base58
from lucid_payments.tron.tokens import Token, token_get


@dataclass(frozen=True)
class ContractInfo:
    network: str
    token: Token
    total_supply: int


def usdt_contract_info(*, network: str, node: TronNode | None = None) -> ContractInfo:
    node = node or get_node()
    token = token_get(Asset.USDT, node=node)
    return ContractInfo(
        network=network, token=token, total_supply=trc20.total_supply(node, contract=token.contract)
    )


def usdt_balance(address: str, *, node: TronNode | None = None) -> int:
    node = node or get_node()
    token = token_get(Asset.USDT, node=node)
    return trc20.balance_of(node, contract=token.contract, holder=address)


def usdt_allowance(owner: str, spender: str, *, node: TronNode | None = None) -> int:
    node = node or get_node()
    token = token_get(Asset.USDT, node=node)
    return trc20.allowance(node, contract=token.contract, owner=owner, spender=spender)


@dataclass(frozen=True)
class DecodedTransaction:
    txid: str
    block_number: int
    contract: str
    from_address: str
    to: str
    amount: int
    is_usdt: bool
    result: str
    energy_total: int
    energy_from_stake: int
    energy_fee: int
    bandwidth_used: int
    fee: int


def trc20_transaction(txid: str, *, node: TronNode | None = None) -> DecodedTransaction:
    """Any TRC20 contract call in a block, decoded; ``NotFound`` for an unknown txid or one
    that is not a smart-contract call."""
    node = node or get_node()
    info = transaction_info(node, txid)
    if info is None or not info.block_number:
        raise NotFound("No such transaction in a block.", code="transaction_not_found")
    block = block_by_number(node, info.block_number)
    found = next((tx for tx in (block.transactions if block else ()) if tx.txid == txid), None)
    if found is None or found.contract_type != "TriggerSmartContract":
        raise NotFound("That transaction is not a TRC20 call.", code="not_a_trc20_transaction")
    transfers = [t for t in token_transfers(info) if t.contract_hex == found.contract_hex.lower()]
    usdt = token_get(Asset.USDT, node=node).contract
    contract = hex_to_base58(found.contract_hex)
    first = transfers[0] if transfers else None
    return DecodedTransaction(
        txid=txid,
        block_number=info.block_number,
        contract=contract,
        from_address=hex_to_base58(found.owner_hex),
        to=hex_to_base58(first.to_hex) if first else "",
        amount=first.amount if first else 0,
        is_usdt=contract == usdt,
        result=info.receipt_result or info.result or "SUCCESS",
        energy_total=info.energy_usage_total,
        energy_from_stake=info.energy_usage,
        energy_fee=info.energy_fee,
        bandwidth_used=info.net_usage,
        fee=info.fee,
    )
