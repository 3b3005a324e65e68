"""Typed results of node reads. Addresses are lower hex ``41…`` (21 bytes) as the node
sends them with ``visible:false``; convert with ``lucid_payments.tron.addresses`` when a
human or the database needs base58.

Frozen, slotted dataclasses: the scanner builds hundreds of thousands of these while
catching up, so they stay small.
"""

from __future__ import annotations

from dataclasses import dataclass

# keccak256("Transfer(address,address,uint256)")
TRC20_TRANSFER_TOPIC = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


@dataclass(frozen=True, slots=True)
class BlockRef:
    number: int
    block_id: str


@dataclass(frozen=True, slots=True)
class NodeInfo:
    head: BlockRef
    solid: BlockRef
    code_version: str


@dataclass(frozen=True, slots=True)
class BlockTransaction:
    """One transaction of a block, reduced to what the platform reads from it.

    ``succeeded`` is ``ret[0].contractRet == "SUCCESS"``. ``to_hex`` and ``amount`` are
    filled for TransferContract; ``contract_hex`` for TriggerSmartContract.
    """

    txid: str
    contract_type: str
    succeeded: bool
    owner_hex: str
    to_hex: str = ""
    amount: int = 0
    contract_hex: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    number: int
    block_id: str
    parent_id: str
    timestamp_ms: int
    transactions: tuple[BlockTransaction, ...]

    @property
    def ref(self) -> BlockRef:
        return BlockRef(self.number, self.block_id)


@dataclass(frozen=True, slots=True)
class Log:
    """An event log; ``address_hex`` is the emitting contract as ``41…``."""

    address_hex: str
    topics: tuple[str, ...]
    data: str


@dataclass(frozen=True, slots=True)
class TransactionInfo:
    """``gettransactioninfoby*``: the execution result of a transaction in a block."""

    txid: str
    block_number: int
    block_timestamp_ms: int
    fee: int
    # receipt.result: "SUCCESS", "REVERT", "OUT_OF_ENERGY", …; empty for plain transfers.
    receipt_result: str
    # top-level result: "FAILED" on failure, empty otherwise.
    result: str
    message: str
    energy_usage_total: int
    net_usage: int
    logs: tuple[Log, ...]
    # SUN the contract paid onto the owner's balance: voting rewards (WithdrawBalance) and
    # unfrozen TRX whose wait is over (withdraw, unfreeze and cancel-all pay those out).
    withdraw_amount: int = 0
    withdraw_expire_amount: int = 0
    # The receipt's split of the cost (java-tron's ResourceReceipt), 0 when absent:
    # energy paid from the sender's own energy (staked or delegated to it), SUN burned
    # for the rest of the energy, energy the contract's deployer paid, SUN burned for
    # bandwidth. ``fee`` is their burned SUN plus any account-creation fee.
    energy_usage: int = 0
    energy_fee: int = 0
    origin_energy_usage: int = 0
    net_fee: int = 0

    @property
    def failed(self) -> bool:
        return self.result == "FAILED"


@dataclass(frozen=True, slots=True)
class TokenTransfer:
    """A TRC20 ``Transfer(from, to, value)`` log of a successful call."""

    txid: str
    log_index: int
    contract_hex: str
    from_hex: str
    to_hex: str
    amount: int


@dataclass(frozen=True, slots=True)
class ChainParameter:
    key: str
    value: int
