"""The ``devnet`` fixture for chain tests: a fresh devnet per test over HTTP, with the
platform's node settings pointed at it.

Blocks are mined on demand (``devnet.mine()``) and solidify ``SOLID_LAG`` blocks behind
the head, so "final" is reached by mining a few blocks, not by waiting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from devnet.testing import RunningDevnet, running_devnet
from lucid_payments.tron import hooks
from lucid_payments.tron.adapter.node import TronNode, reset_node

SOLID_LAG = 3


class DevnetHandle:
    """The running devnet plus the control calls chain tests use."""

    def __init__(self, chain: RunningDevnet) -> None:
        self.chain = chain
        self.url = chain.url
        self.accounts = chain.accounts
        self.token_address = chain.token_address

    def control(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.url}/devnet/{name}", json=body, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def mine(self, blocks: int = 1) -> dict[str, Any]:
        return self.control("POST", "mine", {"blocks": blocks})

    def faucet(self, address: str, *, trx: int = 0, usdt: int = 0) -> dict[str, str]:
        """Real signed transfers (TRX from the last genesis account, USDT from the first)."""
        body: dict[str, Any] = {"address": address}
        if trx:
            body["trx"] = trx
        if usdt:
            body["usdt"] = usdt
        return self.control("POST", "faucet", body)["txids"]

    def fork(self, blocks: int) -> dict[str, Any]:
        return self.control("POST", "fork", {"blocks": blocks})

    def faults(self, **spec: Any) -> dict[str, Any]:
        return self.control("POST", "faults", spec)

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    def status(self) -> dict[str, Any]:
        return self.control("GET", "status")


class CountingNode(TronNode):
    """The real node at ``url``, counting what it is asked, by path."""

    def __init__(self, url: str) -> None:
        super().__init__([url])
        self.asked: Counter[str] = Counter()

    def request(self, path: str, payload: dict[str, Any] | None = None, **kw: Any) -> Any:
        self.asked[path.lstrip("/")] += 1
        return super().request(path, payload, **kw)


@pytest.fixture
def devnet(settings: SettingsWrapper) -> Iterator[DevnetHandle]:
    with running_devnet(solid_lag=SOLID_LAG) as chain:
        settings.TRON_NODE_URLS = [chain.url]
        settings.TRON_NODE_URL = chain.url
        settings.TRONGRID_API_KEY = ""
        settings.TRON_SCAN_START_BLOCK = 0
        # Fault tests wait through retries; keep each wait short.
        settings.TRON_NODE_BACKOFF_MAX_S = 0.2
        settings.TRON_NODE_TIMEOUT_S = 5.0
        reset_node()
        try:
            yield DevnetHandle(chain)
        finally:
            reset_node()


@pytest.fixture
def transfer_events() -> Iterator[list[hooks.TransferEvent]]:
    """Every TransferEvent published during the test, in order."""
    seen: list[hooks.TransferEvent] = []
    hooks.transfer_subscribe(seen.append)
    try:
        yield seen
    finally:
        hooks.transfer_unsubscribe(seen.append)
