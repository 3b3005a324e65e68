"""The devnet's HTTP framing: answers are buffered into one write, so anything a client
waits for before sending more (a 100 Continue) must still leave at once."""

from __future__ import annotations

import json
import socket

from devnet.testing import RunningDevnet

HANG_GUARD_S = 10  # a hang guard, not a performance assertion


def _connect(chain: RunningDevnet) -> socket.socket:
    host, port = chain.server.server_address[:2]
    return socket.create_connection((str(host), int(port)), timeout=HANG_GUARD_S)


def _read_until(sock: socket.socket, marker: bytes) -> bytes:
    received = b""
    while marker not in received:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before {marker!r}: {received!r}"
        received += chunk
    return received


def test_expect_100_continue_is_answered_before_the_body_is_sent(chain: RunningDevnet) -> None:
    body = json.dumps({"address": chain.accounts[0].hex}).encode()
    with _connect(chain) as sock:
        sock.sendall(
            b"POST /wallet/getaccount HTTP/1.1\r\nHost: devnet\r\n"
            b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        interim = _read_until(sock, b"\r\n\r\n")
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        answer = _read_until(sock, chain.accounts[0].hex.encode())
        assert answer.startswith(b"HTTP/1.1 200 ")


def test_answers_on_one_kept_alive_connection_each_arrive_whole(chain: RunningDevnet) -> None:
    with _connect(chain) as sock:
        for _ in range(3):
            sock.sendall(
                b"POST /wallet/getnowblock HTTP/1.1\r\nHost: devnet\r\nContent-Length: 0\r\n\r\n"
            )
            head = _read_until(sock, b"\r\n\r\n")
            headers, _, rest = head.partition(b"\r\n\r\n")
            length = int(headers.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(rest) < length:
                chunk = sock.recv(65536)
                assert chunk
                rest += chunk
            assert json.loads(rest[:length])["block_header"]["raw_data"]["number"] >= 0
