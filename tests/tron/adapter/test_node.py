"""TronNode against the devnet over HTTP: retries, failover, fault mapping, tronpy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from lucid_payments.tron.adapter.errors import NodeRejected, NodeUnavailable
from lucid_payments.tron.adapter.node import TronNode, get_node, reset_node
from lucid_payments.tron.adapter.reads import node_info
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.devnet

# The discard port: nothing listens, so connecting is refused at once.
DEAD_URL = "http://127.0.0.1:9"


def _fast_node(*urls: str, attempts: int = 4, api_key: str = "") -> TronNode:
    return TronNode(list(urls), max_attempts=attempts, api_key=api_key, sleep=lambda _: None)


def test_fails_over_to_the_next_url_and_stays_there(devnet: DevnetHandle) -> None:
    node = _fast_node(DEAD_URL, devnet.url)

    info = node_info(node)

    assert info.head.number == devnet.status()["head"]["number"]
    assert node.url == devnet.url.rstrip("/")


def test_503_for_fewer_requests_than_attempts_is_invisible(devnet: DevnetHandle) -> None:
    devnet.faults(http_error={"status": 503, "requests": 3})
    node = _fast_node(devnet.url, attempts=4)

    assert node_info(node).head.number >= 0


def test_503_for_longer_raises_node_unavailable_with_the_reason(devnet: DevnetHandle) -> None:
    devnet.faults(http_error={"status": 503, "requests": 10})
    node = _fast_node(devnet.url, attempts=4)

    with pytest.raises(NodeUnavailable, match="HTTP 503") as caught:
        node_info(node)
    assert caught.value.status_code == 503


def test_server_busy_is_retried_then_the_real_answer_comes_back(devnet: DevnetHandle) -> None:
    txid = devnet.faucet("TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", trx=1_000_000)["trx"]
    devnet.mine()
    node = _fast_node(devnet.url, attempts=4)
    signed = node.post("wallet/gettransactionbyid", {"value": txid})
    devnet.faults(server_busy={"requests": 2})

    # Sent again once the node stops being busy: it already has it.
    with pytest.raises(NodeRejected) as caught:
        node.post("wallet/broadcasttransaction", signed)

    assert caught.value.node_code == "DUP_TRANSACTION_ERROR"
    assert caught.value.message == "Dup transaction."
    assert devnet.control("GET", "faults")["server_busy"]["requests"] == 0


def test_no_node_at_all_is_unavailable() -> None:
    with pytest.raises(NodeUnavailable, match="ConnectError"):
        _fast_node(DEAD_URL, attempts=2).post("wallet/getnodeinfo")


def test_tronpy_goes_through_the_same_retries(devnet: DevnetHandle) -> None:
    devnet.mine(2)
    devnet.faults(http_error={"status": 503, "requests": 2})
    client = _fast_node(devnet.url).tronpy()

    assert client.get_latest_block_number() == devnet.status()["head"]["number"]


def test_get_node_follows_the_settings(devnet: DevnetHandle, settings: object) -> None:
    first = get_node()
    assert first is get_node()
    assert first.url == devnet.url.rstrip("/")
    reset_node()
    assert get_node() is not first


class _HeaderRecorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:
        self.seen.append(dict(self.headers))
        body = b'{"block":"Num:1,ID:00","solidityBlock":"Num:0,ID:00"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def header_recorder() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _HeaderRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_trongrid_api_key_is_sent_as_a_header(header_recorder: str) -> None:
    _fast_node(header_recorder, api_key="k-123").post("wallet/getnodeinfo")

    assert _HeaderRecorder.seen[-1].get("TRON-PRO-API-KEY") == "k-123"
