"""The chain's mutable world state: accounts, the token, stake and resource usage.

One object so that snapshots, forks and persistence can copy and restore it as a whole.
"""

from __future__ import annotations

import copy
from typing import Any

from devnet.accounts import AccountStore
from devnet.genesis import (
    GENESIS_BALANCE_SUN,
    TOKEN_ADDRESS_BYTES,
    TOKEN_DECIMALS,
    TOKEN_NAME,
    TOKEN_SYMBOL,
    TOKEN_TOTAL_SUPPLY,
    KeyPair,
)
from devnet.params import ChainParams
from devnet.resources import ResourceMeter
from devnet.stake import StakeEngine
from devnet.trc20 import Trc20Token


class WorldState:
    def __init__(self, *, params: ChainParams, witnesses: list[bytes]) -> None:
        self.params = params
        self.witnesses = witnesses
        self.accounts = AccountStore()
        self.token = Trc20Token(
            address=TOKEN_ADDRESS_BYTES,
            name=TOKEN_NAME,
            symbol=TOKEN_SYMBOL,
            decimals=TOKEN_DECIMALS,
            issuer=TOKEN_ADDRESS_BYTES,  # replaced by `genesis()`
            total_supply=0,
        )
        self.stake = StakeEngine(ledger=self.accounts, params=params, witnesses=witnesses)
        self.resources = ResourceMeter(stake=self.stake, params=params)

    def genesis(self, *, accounts: list[KeyPair], now_ms: int) -> None:
        """Fund the genesis accounts, register witnesses and deploy the token (issuer: the
        first genesis account, holding the whole supply)."""
        for pair in accounts:
            self.accounts.create(pair.address, now_ms=now_ms, balance=GENESIS_BALANCE_SUN)
        for witness in self.witnesses:
            self.accounts.create(witness, now_ms=now_ms)
        self.accounts.create(TOKEN_ADDRESS_BYTES, now_ms=now_ms, is_contract=True)
        self.token = Trc20Token(
            address=TOKEN_ADDRESS_BYTES,
            name=TOKEN_NAME,
            symbol=TOKEN_SYMBOL,
            decimals=TOKEN_DECIMALS,
            issuer=accounts[0].address,
            total_supply=TOKEN_TOTAL_SUPPLY,
        )

    def to_state(self) -> dict[str, Any]:
        """A deep, JSON-serialisable copy (later mutations do not leak into it)."""
        return copy.deepcopy(
            {
                "accounts": self.accounts.to_state(),
                "token": self.token.to_state(),
                "stake": self.stake.to_state(),
                "resources": self.resources.to_state(),
            }
        )

    def load_state(self, state: dict[str, Any]) -> None:
        state = copy.deepcopy(state)
        self.accounts.load_state(state["accounts"])
        self.token = Trc20Token.from_state(state["token"])
        self.stake.load_state(state["stake"])
        self.resources.load_state(state["resources"])
