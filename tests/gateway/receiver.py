"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers
from a script of status codes, and can hold a request open (to kill the sender mid-send)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # then ``default`` for the rest
    default: int = 200
    extra_headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hold_first: threading.Event | None = None  # the first request waits for it
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> tuple[int, bool]:
        with self.lock:
            first = len(self.received) == 1
            return (self.answers.pop(0) if self.answers else self.default), first


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.received.append(Received(dict(self.headers.items()), body))
            status, first = receiver.next_status()
            if first and receiver.hold_first is not None:
                receiver.hold_first.wait(timeout=60)
            try:
                self.send_response(status)
                for name, value in receiver.extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)
            except OSError:  # the sender died while we held the request
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running_receiver(**options: object) -> Iterator[Receiver]:
    receiver = Receiver(url="", **options)  # type: ignore[arg-type]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold_first is not None:
            receiver.hold_first.set()
        server.shutdown()
        server.server_close()
