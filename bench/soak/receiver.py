"""A client's webhook receiver that fails a third of the time: it answers 500 to a random
third of the deliveries (before looking at them), verifies the signature of the others
and remembers the ``webhook-id`` of every delivery it acknowledged."""

from __future__ import annotations

import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

FAILURE_RATE = 1 / 3


class FlakyReceiver:
    def __init__(self, rng: random.Random) -> None:
        self.secret = ""
        self.acknowledged: set[str] = set()
        self.deliveries = 0
        self.refused = 0
        self.unverified = 0
        self._rng = rng
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, body: bytes, headers: dict[str, str]) -> int:
        """The status this delivery gets: 500 by chance, 400 if forged, else 204."""
        with self._lock:
            self.deliveries += 1
            if self._rng.random() < FAILURE_RATE:
                self.refused += 1
                return 500
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            with self._lock:
                self.unverified += 1
            return 400
        with self._lock:
            self.acknowledged.add(headers["webhook-id"])
        return 204

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                self.send_response(receiver.answer(body, headers))
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass  # thousands of deliveries; the counts say what happened

        return Handler
