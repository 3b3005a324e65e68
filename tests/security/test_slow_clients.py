"""Slow clients must not starve an HTTP process (slowloris): 50 connections that send a
header line every second and never finish their request leave ``/health/live`` answering
within a second, and the server closes them once their read deadline has passed."""

from __future__ import annotations

import http.client
import json
import selectors
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.gunicorn_process import gunicorn_service
from tests.security.probe_key import ProbeKey, probe_key_create

SLOW_CONNECTIONS = 50
READ_TIMEOUT_S = 3
# The worker sweeps expired reads about once a second.
CLOSE_MARGIN_S = 3.0


class SlowClients:
    """Connections that trickle an endless request head, one header line a second,
    and note when the server hangs up on each."""

    def __init__(self, host: str, port: int, count: int) -> None:
        self.opened_at = time.monotonic()
        self.sockets = [socket.create_connection((host, port), timeout=5) for _ in range(count)]
        self.closed_at: dict[socket.socket, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowClients:
        for sock in self.sockets:
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n")
            sock.setblocking(False)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()

    def wait_until_all_closed(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.closed_at) < len(self.sockets) and time.monotonic() < deadline:
            time.sleep(0.1)

    def _trickle(self) -> None:
        selector = selectors.DefaultSelector()
        for sock in self.sockets:
            selector.register(sock, selectors.EVENT_READ)
        next_line = time.monotonic() + 1.0
        line = 0
        while not self._stop.is_set() and len(self.closed_at) < len(self.sockets):
            for key, _ in selector.select(timeout=0.1):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:  # an answer would do too, but the server owes none
                    self._mark_closed(selector, sock)
            if time.monotonic() >= next_line:
                line += 1
                for sock in self.sockets:
                    if sock in self.closed_at:
                        continue
                    try:
                        sock.send(f"X-Slow-{line}: still sending\r\n".encode())
                    except OSError:
                        self._mark_closed(selector, sock)
                next_line += 1.0
        selector.close()

    def _mark_closed(self, selector: selectors.BaseSelector, sock: socket.socket) -> None:
        self.closed_at.setdefault(sock, time.monotonic())
        try:
            selector.unregister(sock)
        except KeyError:
            pass


@pytest.fixture
def probe_key(transactional_db: None) -> ProbeKey:
    return probe_key_create()


@pytest.fixture
def payment_gateway(tmp_path: Path, django_db_setup: None) -> Iterator[str]:
    """The payment gateway as ``make up`` runs it: one worker, the configured threads."""
    env = {"GUNICORN_WORKERS": "1", "GUNICORN_READ_TIMEOUT": str(READ_TIMEOUT_S)}
    with gunicorn_service("lucid_payments.settings.payment_gateway", tmp_path, env=env) as service:
        yield service.base_url


def _seconds_to_answer(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
    return time.monotonic() - started


def test_fifty_slow_clients_neither_starve_health_nor_stay_open(payment_gateway: str) -> None:
    port = int(payment_gateway.rsplit(":", 1)[1])
    live = f"{payment_gateway}/health/live"
    with SlowClients("127.0.0.1", port, SLOW_CONNECTIONS) as slow:
        time.sleep(1.5)  # every slow connection has sent its request line and a header
        answers = []
        for _ in range(3):
            answers.append(_seconds_to_answer(live))
            time.sleep(0.5)
        assert max(answers) < 1.0, answers

        slow.wait_until_all_closed(READ_TIMEOUT_S + CLOSE_MARGIN_S)
        still_open = len(slow.sockets) - len(slow.closed_at)
        assert still_open == 0, f"{still_open} slow connections were never closed"
        latest = max(slow.closed_at.values()) - slow.opened_at
        assert latest <= READ_TIMEOUT_S + CLOSE_MARGIN_S, latest

    # Once they are gone the process is as good as new.
    assert _seconds_to_answer(live) < 1.0


@pytest.fixture
def payout_router(tmp_path: Path, probe_key: ProbeKey) -> Iterator[str]:
    with gunicorn_service(
        "lucid_payments.settings.payout_router",
        tmp_path,
        env={"GUNICORN_WORKERS": "1", "GUNICORN_READ_TIMEOUT": str(READ_TIMEOUT_S)},
    ) as service:
        yield service.base_url


def _create_customer(
    connection: http.client.HTTPConnection, api_key: str, body: bytes | Iterator[bytes], ref: str
) -> tuple[int, dict[str, Any]]:
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"create-{ref}",
    }
    chunked = not isinstance(body, bytes)
    connection.request(
        "POST", "/api/v1/customers", body=body, headers=headers, encode_chunked=chunked
    )
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_requests_that_are_not_slow_are_served_as_before(
    payout_router: str, probe_key: ProbeKey
) -> None:
    """Keep-alive, pipelining, chunked bodies and bodies larger than what the worker's
    loop buffers itself all still work."""
    api_key = probe_key.plaintext
    port = int(payout_router.rsplit(":", 1)[1])
    kept_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for n in range(3):
        status, body = _create_customer(
            kept_alive, api_key, json.dumps({"external_ref": f"kept-{n}"}).encode(), f"k{n}"
        )
        assert (status, body["external_ref"]) == (201, f"kept-{n}")

    # A chunked body is framed and answered (Django itself reads no body without a
    # Content-Length, so the field is missing), and the connection stays usable.
    chunks = iter([b'{"external_ref": ', b'"chunked"}'])
    status, body = _create_customer(kept_alive, api_key, chunks, "chunked")
    assert (status, list(body["error"]["fields"])) == (400, ["external_ref"])

    # 200 kB: most of it is read by the thread, not the loop; the serializer still sees it.
    large = json.dumps({"external_ref": "x" * 200_000}).encode()
    status, body = _create_customer(kept_alive, api_key, large, "large")
    assert status == 400
    assert list(body["error"]["fields"]) == ["external_ref"]

    with socket.create_connection(("127.0.0.1", port), timeout=10) as pipelined:
        request = b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        pipelined.sendall(request + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answers = b""
        while chunk := pipelined.recv(65536):
            answers += chunk
    assert answers.count(b"HTTP/1.1 200 OK") == 2
    kept_alive.close()


def test_a_large_body_that_stops_arriving_is_answered_408_at_the_deadline(
    payout_router: str, probe_key: ProbeKey
) -> None:
    """Past what the worker's loop buffers, a thread reads the body: the read deadline
    still bounds how long the client can keep it."""
    port = int(payout_router.rsplit(":", 1)[1])
    head = (
        "POST /api/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {probe_key.plaintext}\r\nIdempotency-Key: stalled-body\r\n"
        "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as stalled:
        stalled.sendall(head.encode() + b'{"external_ref": "' + b"x" * 100_000)
        sent_at = time.monotonic()
        answer = b""
        while chunk := stalled.recv(65536):
            answer += chunk
        waited = time.monotonic() - sent_at
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout", answer[:300]
    body = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert body["error"]["code"] == "request_timeout"
    assert waited <= READ_TIMEOUT_S + CLOSE_MARGIN_S, waited
