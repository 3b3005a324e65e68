"""The workload's outside world on the devnet: payers sending TRX with tronpy from the
genesis accounts (as a customer's wallet would), the devnet's faucet for funding a hot
wallet, and on-chain balance reads (TRX and USDT)."""

from __future__ import annotations

import functools
import threading
from typing import Any

import httpx
from tronpy import Tron
from tronpy.keys import PrivateKey
from tronpy.providers import HTTPProvider

from bench.scaleout.topology import DEVNET_SEED
from devnet.genesis import genesis_accounts

SUN = 1_000_000


class Payers:
    """Signs and broadcasts TRX transfers from the devnet's genesis accounts, in turn."""

    def __init__(self, devnet_url: str) -> None:
        self.devnet_url = devnet_url
        self.accounts = genesis_accounts(DEVNET_SEED)[1:]  # the first holds the token
        self._local = threading.local()
        self._turn = 0
        self._lock = threading.Lock()

    def _tron(self) -> Tron:
        if not hasattr(self._local, "tron"):
            self._local.tron = Tron(provider=HTTPProvider(self.devnet_url, timeout=20))
        return self._local.tron

    def send_trx(self, to: str, sun: int) -> str:
        with self._lock:
            payer = self.accounts[self._turn % len(self.accounts)]
            self._turn += 1
        built = self._tron().trx.transfer(payer.base58, to, sun).build()
        receipt: Any = built.sign(PrivateKey(payer.private_key)).broadcast()
        return str(receipt.txid)


def trx_balance(devnet_url: str, address: str) -> int:
    """SUN on ``address`` at the head (0 for an account that does not exist)."""
    response = httpx.post(
        f"{devnet_url}/wallet/getaccount", json={"address": address, "visible": True}, timeout=10
    )
    return int(response.json().get("balance", 0))


def faucet(devnet_url: str, address: str, *, trx: int = 0, usdt: int = 0) -> None:
    """The devnet's faucet: real signed transfers (TRX and USDT base units) to ``address``."""
    body = {"address": address} | ({"trx": trx} if trx else {}) | ({"usdt": usdt} if usdt else {})
    response = httpx.post(f"{devnet_url}/devnet/faucet", json=body, timeout=10)
    response.raise_for_status()


@functools.cache
def _token(devnet_url: str) -> Any:
    token = httpx.get(f"{devnet_url}/devnet/accounts", timeout=10).json()["token_address"]
    return Tron(provider=HTTPProvider(devnet_url, timeout=20)).get_contract(token)


def usdt_balance(devnet_url: str, address: str) -> int:
    """USDT base units on ``address`` at the head (the token's own ``balanceOf``)."""
    return int(_token(devnet_url).functions.balanceOf(address))
