"""The HTTP front of the devnet: TRON's API on one port plus `/devnet/` control endpoints.

Like java-tron it answers 200 with a JSON body for everything it understands, errors
included; only injected faults produce 503/429. A handler bug becomes a java-style
`{"Error": ...}` body, never a traceback and never a dead server.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devnet.api import Request, WalletApi
from devnet.control import ControlApi
from devnet.errors import JavaException, json_error
from devnet.faults import Faults
from devnet.java_input import parse_json
from devnet.node import Node

log = logging.getLogger("devnet")
MAX_BODY_BYTES = 4 * 1024 * 1024  # java-tron's default maxMessageSize
MAX_DRAIN_BYTES = 64 * 1024 * 1024  # a larger body is not read at all: the connection closes
IDLE_TIMEOUT_S = 30.0  # a connection that sends nothing for this long is closed
_CONTENT_LENGTH = re.compile(r"\s*-?[0-9]+\s*")


class BadRequest(Exception):
    """HTTP framing the server cannot read (Jetty answers these 400 before any servlet)."""


class DevnetServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        node: Node,
        host: str = "127.0.0.1",
        port: int = 8090,
        *,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
    ) -> None:
        self.node = node
        self.idle_timeout_s = idle_timeout_s
        self.faults = Faults(node.clock)
        self.wallet = WalletApi(node, self.faults)
        self.control = ControlApi(node, self.faults)
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class BlockProducer(threading.Thread):
    """Produces a block every `node.block_time` seconds of the node's clock."""

    def __init__(self, node: Node) -> None:
        super().__init__(name="devnet-block-producer", daemon=True)
        self.node = node
        self.stopped = threading.Event()

    def run(self) -> None:
        node = self.node
        while not self.stopped.is_set():
            due_ms = node.head.timestamp + node.interval_ms
            wait = (due_ms - node.now_ms()) / 1000
            if wait > 0:
                self.stopped.wait(min(wait, 0.25))
                continue
            try:
                node.produce_block()
            except Exception:  # never let one bad block stop the chain
                log.exception("block production failed")
                self.stopped.wait(1)

    def stop(self) -> None:
        self.stopped.set()


class _Handler(BaseHTTPRequestHandler):
    server: DevnetServer
    protocol_version = "HTTP/1.1"
    # An answer leaves in one segment, sent at once: unbuffered, the headers and the body
    # went out as two writes and Nagle held the body back until the client's delayed ACK,
    # about 40 ms per request on loopback (java-tron's Jetty answers without that wait).
    wbufsize = -1
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        # Every read on the socket (request line, headers, body) waits at most this long: a
        # client that stalls no longer holds a thread forever. 0 or None: wait forever.
        self.connection.settimeout(self.server.idle_timeout_s or None)

    def handle_expect_100(self) -> bool:
        """Send "100 Continue" now: buffered, it would wait behind a body never sent."""
        answered = super().handle_expect_100()
        self.wfile.flush()
        return answered

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_OPTIONS(self) -> None:
        self._send(200, "{}")

    def _serve(self, method: str) -> None:
        try:
            status, text = self._dispatch(method)
        except TimeoutError:  # the client stalled mid-body: drop it without an answer
            log.debug("%s timed out sending its body", self.address_string())
            self.close_connection = True
            return
        except BadRequest as exc:
            self.close_connection = True  # the framing is unknown: the rest of the stream too
            status, text = 400, json.dumps({"Error": f"Bad Message 400: {exc}"})
        except Exception as exc:  # a bug must never reach the client as a traceback
            log.exception("unhandled error serving %s", self.path)
            status, text = (
                200,
                json.dumps({"Error": f"class java.lang.RuntimeException : {type(exc).__name__}"}),
            )
        self._send(status, text)

    def _dispatch(self, method: str) -> tuple[int, str]:
        split = urlsplit(self.path)
        parts = [part for part in split.path.split("/") if part]
        raw_body = self._read_body()
        if len(parts) == 2 and parts[0] == "devnet":
            if raw_body is None:
                return 400, json.dumps({"error": f"body larger than {MAX_BODY_BYTES} bytes"})
            body = _control_body(raw_body)
            if body is None:
                return 400, json.dumps({"error": "body must be a JSON object"})
            status, payload = self.server.control.handle(method, parts[1], body)
            return status, json.dumps(payload)

        faults = self.server.faults
        delay = faults.delay_seconds()
        if delay:
            time.sleep(delay)
        injected = faults.take_http_status()
        if injected:
            return injected, json.dumps({"Error": f"injected HTTP {injected}"})

        if len(parts) != 2 or parts[0] not in ("wallet", "walletsolidity"):
            return 404, json.dumps({"Error": f"no such endpoint: {split.path}"})
        handler = self.server.wallet.handler_for(parts[0], parts[1])
        if handler is None:
            return 404, json.dumps({"Error": f"no such endpoint: {split.path}"})
        try:
            if raw_body is None:
                raise JavaException(
                    "java.lang.Exception", f"body size is too big, the limit is {MAX_BODY_BYTES}"
                )
            ignored = self.server.wallet.ignores_body(parts[1])
            body = _wallet_body(b"" if ignored else raw_body, split.query)
            visible = _truthy(body.get("visible", False))
            solid = parts[0] == "walletsolidity"
            result = handler(Request(body=body, visible=visible, solid=solid))
        except JavaException as exc:
            return 200, json.dumps(exc.body())
        return 200, result if isinstance(result, str) else json.dumps(result)

    def _read_body(self) -> bytes | None:
        """The body, or None when it is larger than MAX_BODY_BYTES (then read and dropped, so
        the connection stays in step; past MAX_DRAIN_BYTES it is closed instead)."""
        header = self.headers.get("Content-Length") or "0"
        if not _CONTENT_LENGTH.fullmatch(header):
            raise BadRequest("Invalid Content-Length Value")
        length = int(header)
        if length <= 0:
            return b""
        if length <= MAX_BODY_BYTES:
            return self.rfile.read(length)
        if length > MAX_DRAIN_BYTES:
            self.close_connection = True
            return None
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                break
            length -= len(chunk)
        return None

    def _send(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _wallet_body(raw_body: bytes, query: str) -> dict[str, Any]:
    """POST JSON body merged over GET query parameters; malformed JSON as java-tron reports it."""
    body: dict[str, Any] = {key: values[-1] for key, values in parse_qs(query).items()}
    text = raw_body.decode("utf-8", "replace").strip()
    if text:
        parsed = parse_json(text)
        if not isinstance(parsed, dict):
            raise json_error("syntax error, expect {, actual " + type(parsed).__name__)
        body.update(parsed)
    return body


def _control_body(raw_body: bytes) -> dict[str, Any] | None:
    if not raw_body.strip():
        return {}
    try:
        parsed = parse_json(raw_body.decode("utf-8", "replace"))
    except JavaException:
        return None
    return parsed if isinstance(parsed, dict) else None
