"""TRX accounts: existence, balance in SUN, creation time. The stake engine's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devnet.addresses import render

# java-tron's default active permission grants every contract type the devnet knows.
ACTIVE_OPERATIONS = "7fff1fc0033e0300000000000000000000000000000000000000000000000000"


@dataclass
class Account:
    balance: int
    create_time: int
    is_contract: bool = False


class InsufficientBalance(Exception):
    """A debit would take a balance below zero (a node bug if it ever escapes validation)."""


class AccountStore:
    """Every TRON account the chain knows, keyed by 21-byte address."""

    def __init__(self) -> None:
        self._accounts: dict[bytes, Account] = {}

    # AccountLedger protocol (devnet.stake) ------------------------------------------------
    def exists(self, address: bytes) -> bool:
        return address in self._accounts

    def balance(self, address: bytes) -> int:
        account = self._accounts.get(address)
        return account.balance if account else 0

    def add_balance(self, address: bytes, delta: int) -> None:
        account = self._accounts[address]
        if account.balance + delta < 0:
            raise InsufficientBalance(address.hex())
        account.balance += delta

    # node-side operations -----------------------------------------------------------------
    def create(
        self, address: bytes, *, now_ms: int, balance: int = 0, is_contract: bool = False
    ) -> None:
        if address not in self._accounts:
            self._accounts[address] = Account(balance, now_ms, is_contract)

    def get(self, address: bytes) -> Account | None:
        return self._accounts.get(address)

    def addresses(self) -> list[bytes]:
        return list(self._accounts)

    def account_json(self, address: bytes, *, visible: bool) -> dict[str, Any]:
        """The node-owned part of `getaccount` (D2's stake fields are merged by the node)."""
        account = self._accounts[address]
        shown = render(address, visible=visible)
        out: dict[str, Any] = {"address": shown}
        if account.balance:
            out["balance"] = account.balance
        out["create_time"] = account.create_time
        if account.is_contract:
            out["type"] = "Contract"
        out["owner_permission"] = {
            "permission_name": "owner",
            "threshold": 1,
            "keys": [{"address": shown, "weight": 1}],
        }
        out["active_permission"] = [
            {
                "type": "Active",
                "id": 2,
                "permission_name": "active",
                "threshold": 1,
                "operations": ACTIVE_OPERATIONS,
                "keys": [{"address": shown, "weight": 1}],
            }
        ]
        return out

    def to_state(self) -> dict[str, Any]:
        return {
            address.hex(): [account.balance, account.create_time, account.is_contract]
            for address, account in self._accounts.items()
        }

    def load_state(self, state: dict[str, Any]) -> None:
        self._accounts = {
            bytes.fromhex(key): Account(int(balance), int(created), bool(contract))
            for key, (balance, created, contract) in state.items()
        }
