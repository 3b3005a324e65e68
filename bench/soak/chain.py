"""What the chain itself says, read from the devnet over HTTP as any block explorer would:
every successful TRX and USDT transfer in the blocks of the run, so that money that went
out is counted on chain, not in our own tables."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from devnet.addresses import to_base58

TRANSFER_SELECTOR = "a9059cbb"
BLOCKS_PER_READ = 100


@dataclass(frozen=True)
class ChainTransfer:
    txid: str
    asset: str  # "TRX" or "USDT"
    from_address: str
    to_address: str
    amount: int  # SUN or token base units


@dataclass
class ChainView:
    transfers: list[ChainTransfer] = field(default_factory=list)
    txids: set[str] = field(default_factory=set)

    def to(self, address: str) -> list[ChainTransfer]:
        return [t for t in self.transfers if t.to_address == address]

    def received_by(self) -> dict[str, list[ChainTransfer]]:
        by_address: dict[str, list[ChainTransfer]] = defaultdict(list)
        for transfer in self.transfers:
            by_address[transfer.to_address].append(transfer)
        return by_address


def random_address() -> str:
    """A fresh, never used TRON address (nobody holds its key): one per payout, refund or
    transfer, so that what reached it on chain is exactly what we sent there."""
    return to_base58(b"\x41" + os.urandom(20))


def _transfer(tx: dict[str, Any], token_address: str) -> ChainTransfer | None:
    if (tx.get("ret") or [{}])[0].get("contractRet") != "SUCCESS":
        return None
    contract = tx["raw_data"]["contract"][0]
    value = contract["parameter"]["value"]
    if contract["type"] == "TransferContract":
        return ChainTransfer(
            tx["txID"], "TRX", value["owner_address"], value["to_address"], int(value["amount"])
        )
    data = str(value.get("data", ""))
    if (
        contract["type"] == "TriggerSmartContract"
        and value.get("contract_address") == token_address
        and data.startswith(TRANSFER_SELECTOR)
        and len(data) == 8 + 128
    ):
        recipient = to_base58(b"\x41" + bytes.fromhex(data[8 + 24 : 8 + 64]))
        amount = int(data[8 + 64 :], 16)
        return ChainTransfer(tx["txID"], "USDT", value["owner_address"], recipient, amount)
    return None


def chain_view(devnet_url: str, token_address: str) -> ChainView:
    """Every block from genesis to the head, as the node serves it now (after any fork)."""
    view = ChainView()
    with httpx.Client(base_url=devnet_url, timeout=60.0) as http:
        head = http.post("/wallet/getnowblock", json={}).json()["block_header"]["raw_data"]
        last = int(head.get("number", 0))
        for start in range(0, last + 1, BLOCKS_PER_READ):
            end = min(start + BLOCKS_PER_READ, last + 1)
            body = {"startNum": start, "endNum": end, "visible": True}
            blocks = http.post("/wallet/getblockbylimitnext", json=body).json().get("block", [])
            for block in blocks:
                for tx in block.get("transactions", []):
                    view.txids.add(tx["txID"])
                    transfer = _transfer(tx, token_address)
                    if transfer is not None:
                        view.transfers.append(transfer)
    return view
