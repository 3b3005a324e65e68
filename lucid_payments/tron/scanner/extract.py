"""Find the transfers in a fetched block that touch a watched address (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from lucid_payments.tron.adapter.reads import token_transfers
from lucid_payments.tron.adapter.types import Block, TransactionInfo

TRANSFER_CONTRACT = "TransferContract"
# uint256 amounts above this do not fit a BIGINT column; no real token moves that much,
# and such a log is spam or an exploit, which we refuse to record rather than truncate.
MAX_AMOUNT = 2**63 - 1


@dataclass(frozen=True, slots=True)
class FoundTransfer:
    """A transfer to or from a watched address, addresses still as hex ``41…``."""

    txid: str
    index: int  # 0: the TransferContract itself; 1 + i: the i-th log of its info
    token_contract_hex: str  # "" for TRX
    from_hex: str
    to_hex: str
    amount: int


@dataclass(frozen=True, slots=True)
class FetchedBlock:
    """A block and the execution results of its transactions, as one unit."""

    block: Block
    infos: tuple[TransactionInfo, ...]


def transfers_in_block(fetched: FetchedBlock, watched: Container[str]) -> list[FoundTransfer]:
    found = [
        FoundTransfer(
            txid=tx.txid,
            index=0,
            token_contract_hex="",
            from_hex=tx.owner_hex,
            to_hex=tx.to_hex,
            amount=tx.amount,
        )
        for tx in fetched.block.transactions
        if tx.contract_type == TRANSFER_CONTRACT
        and tx.succeeded
        and (tx.to_hex in watched or tx.owner_hex in watched)
    ]
    found.extend(_token_transfers(fetched.infos, watched))
    return [transfer for transfer in found if 0 <= transfer.amount <= MAX_AMOUNT]


def _token_transfers(
    infos: Iterable[TransactionInfo], watched: Container[str]
) -> Iterable[FoundTransfer]:
    for info in infos:
        if not info.logs:
            continue
        for transfer in token_transfers(info):
            if transfer.to_hex in watched or transfer.from_hex in watched:
                yield FoundTransfer(
                    txid=transfer.txid,
                    index=1 + transfer.log_index,
                    token_contract_hex=transfer.contract_hex,
                    from_hex=transfer.from_hex,
                    to_hex=transfer.to_hex,
                    amount=transfer.amount,
                )


def needs_transaction_infos(block: Block) -> bool:
    """Only contract calls emit logs; a block of plain transfers needs no second request."""
    return any(tx.contract_type != TRANSFER_CONTRACT for tx in block.transactions)
