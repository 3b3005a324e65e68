"""Is the TRON node ready to serve us, and where is the chain? The node half of
``/health/ready`` and of ``/status``.

Asks ``getnodeinfo`` through the same transport the platform uses (API key header,
failover list), but with a short timeout and one try per URL: a load balancer polls this,
and a hung node must read as "not ready", not hang the probe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from lucid_payments.core.errors import ApplicationError
from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.types import NodeInfo
from lucid_payments.tron.selectors import scan_cursor_block

PROBE_TIMEOUT_S = 2.0
PROBE_CONNECT_TIMEOUT_S = 1.0
# /status may be polled by dashboards every second on every process: its node reading is
# reused this long, so the node sees at most one getnodeinfo per process per interval.
STATUS_NODE_READING_TTL_S = 5.0


@contextmanager
def _probe_node() -> Iterator[TronNode]:
    urls = list(settings.TRON_NODE_URLS)
    node = TronNode(
        urls,
        api_key=settings.TRONGRID_API_KEY,
        timeout_s=PROBE_TIMEOUT_S,
        connect_timeout_s=PROBE_CONNECT_TIMEOUT_S,
        max_attempts=len(urls),
        backoff_base_s=0.0,
        sleep=lambda _seconds: None,
    )
    try:
        yield node
    finally:
        node.close()


def node_readiness_problem() -> str | None:
    """None when some node of ``TRON_NODE_URLS`` answers with its head blocks, else why not."""
    with _probe_node() as node:
        try:
            reads.node_info(node)
        except ApplicationError as exc:
            return f"node unavailable: {exc.message}"
    return None


@dataclass(frozen=True)
class ChainStatus:
    """Where the chain and our scanner are. Node fields are None when the node did not
    answer, and ``node_error`` says why."""

    network: str
    head_block: int | None
    solid_block: int | None
    scanner_block: int | None
    node_error: str | None

    @property
    def scanner_lag(self) -> int | None:
        """Blocks between the node's head and the scanner's cursor."""
        if self.head_block is None or self.scanner_block is None:
            return None
        return max(0, self.head_block - self.scanner_block)


_reading_lock = threading.Lock()
_reading: tuple[float, tuple[str, ...], NodeInfo | None, str | None] | None = None


def _node_reading() -> tuple[NodeInfo | None, str | None]:
    """(node info, None) or (None, why not), at most ``STATUS_NODE_READING_TTL_S`` old."""
    global _reading
    nodes = (settings.TRON_NETWORK, *settings.TRON_NODE_URLS)
    with _reading_lock:
        now = time.monotonic()
        if _reading is not None and _reading[1] == nodes:
            taken_at, _, info, error = _reading
            if now - taken_at < STATUS_NODE_READING_TTL_S:
                return info, error
        with _probe_node() as node:
            try:
                info, error = reads.node_info(node), None
            except ApplicationError as exc:
                info, error = None, f"node unavailable: {exc.message}"
        _reading = (time.monotonic(), nodes, info, error)
        return info, error


def chain_status() -> ChainStatus:
    """The node's head and solid block and the scanner's cursor; never raises for a node
    that is down (the node fields are then None, with the reason)."""
    network = settings.TRON_NETWORK
    info, error = _node_reading()
    return ChainStatus(
        network=network,
        head_block=info.head.number if info else None,
        solid_block=info.solid.number if info else None,
        scanner_block=scan_cursor_block(network=network),
        node_error=error,
    )
