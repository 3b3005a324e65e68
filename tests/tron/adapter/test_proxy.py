"""TRON_NODE_PROXY: every node call, ours and tronpy's, goes through the proxy.

The proxy is a real forwarding HTTP proxy on 127.0.0.1 that counts what it forwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.tron.adapter import reads, trc20
from lucid_payments.tron.adapter.node import TronNode, get_node
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.devnet


class CountingProxy(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ForwardingHandler)
        self.paths: list[str] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ForwardingHandler(BaseHTTPRequestHandler):
    """A forward proxy: the request line carries the absolute URL of the node."""

    server: CountingProxy

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        with self.server.lock:
            self.server.paths.append(httpx.URL(self.path).path)
        answer = httpx.post(
            self.path, content=body, headers={"Content-Type": "application/json"}, timeout=10
        )
        self.send_response(answer.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[CountingProxy]:
    server = CountingProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_every_node_call_goes_through_the_proxy(
    devnet: DevnetHandle, proxy: CountingProxy, settings: SettingsWrapper
) -> None:
    settings.TRON_NODE_PROXY = proxy.url
    node = get_node()  # rebuilt: the proxy is part of the node settings

    head = reads.node_info(node).head.number
    balance = trc20.balance_of(node, contract=devnet.token_address, holder=devnet.token_address)
    tronpy_head = node.tronpy().get_latest_block_number()

    assert head >= 0 and balance >= 0 and tronpy_head >= head
    assert proxy.paths[:2] == ["/wallet/getnodeinfo", "/wallet/triggerconstantcontract"]
    assert len(proxy.paths) >= 3  # tronpy's read came through it too


def test_without_a_proxy_nothing_goes_through_it(
    devnet: DevnetHandle, proxy: CountingProxy, settings: SettingsWrapper
) -> None:
    settings.TRON_NODE_PROXY = ""
    reads.node_info(get_node())
    assert proxy.paths == []


def test_a_socks5h_proxy_such_as_tor_is_accepted() -> None:
    # httpx needs socksio for SOCKS; without it building the client raises ImportError.
    node = TronNode(["http://127.0.0.1:1"], proxy="socks5h://127.0.0.1:9050")
    node.close()
