"""Run a devnet inside a test: `with running_devnet() as chain: ...`.

    from devnet.testing import running_devnet

    with running_devnet() as chain:              # blocks only on demand, nothing lags
        client = tronpy.Tron(provider=HTTPProvider(chain.url))
        sender = chain.accounts[0]               # funded: 1,000,000 TRX; accounts[0] holds USDT
        ...broadcast...
        chain.mine()                             # include pending transactions in a block

The server listens on 127.0.0.1 with a free port and stops when the block exits. `chain.node`
is the in-process Node for assertions that HTTP cannot express.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from devnet.blocks import Block
from devnet.genesis import TOKEN_ADDRESS
from devnet.node import Node
from devnet.params import ChainParams
from devnet.server import IDLE_TIMEOUT_S, BlockProducer, DevnetServer


@dataclass(frozen=True)
class DevnetAccount:
    address: str  # base58check, T...
    hex: str  # 41...
    private_key: str  # 64 hex chars


@dataclass(frozen=True)
class RunningDevnet:
    url: str
    accounts: list[DevnetAccount]
    token_address: str
    node: Node
    server: DevnetServer

    def mine(self, blocks: int = 1) -> list[Block]:
        """Produce `blocks` blocks now (pending transactions go into the first)."""
        return self.node.mine(blocks)


@contextmanager
def running_devnet(
    *,
    block_time: float = 0.0,
    solid_lag: int = 0,
    seed: int = 0,
    clock: Callable[[], float] | None = None,
    unfreeze_delay_ms: int = 14 * 86_400_000,
    node: Node | None = None,
    idle_timeout_s: float = IDLE_TIMEOUT_S,
) -> Iterator[RunningDevnet]:
    """Start a devnet HTTP server in a background thread; stop it on exit.

    block_time 0 means blocks only on demand (`mine()`); `node` serves an existing chain
    (e.g. one loaded from a state file) instead of a fresh one; `idle_timeout_s` is how long
    a connection may send nothing before the server closes it.
    """
    if node is None:
        node = Node(
            seed=seed,
            block_time=block_time,
            solid_lag=solid_lag,
            clock=clock or time.time,
            params=ChainParams(unfreeze_delay_ms=unfreeze_delay_ms),
        )
    server = DevnetServer(node, "127.0.0.1", 0, idle_timeout_s=idle_timeout_s)
    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="devnet-http", daemon=True
    )
    serving.start()
    producer = BlockProducer(node) if node.block_time > 0 else None
    if producer:
        producer.start()
    try:
        yield RunningDevnet(
            url=server.url,
            accounts=[
                DevnetAccount(pair.base58, pair.address.hex(), pair.private_key.hex())
                for pair in node.accounts
            ],
            token_address=TOKEN_ADDRESS,
            node=node,
            server=server,
        )
    finally:
        if producer:
            producer.stop()
            producer.join()
        server.shutdown()
        server.server_close()
        serving.join()
