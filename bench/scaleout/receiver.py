"""A client's webhook receiver: a real local HTTP server that verifies every delivery
(Standard Webhooks, ``standardwebhooks.Webhook(secret).verify``) and counts what arrived
per ``webhook-id``, so that "delivered at least once, with one id" can be checked."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


class WebhookReceiver:
    def __init__(self) -> None:
        self.secret: str | None = None
        self.lock = threading.Lock()
        self.arrivals: Counter[str] = Counter()  # webhook-id → deliveries received
        self.types: dict[str, str] = {}  # webhook-id → event type
        self.objects: dict[str, str] = {}  # webhook-id → the event's object id
        self.first_at: dict[str, float] = {}
        self.unverified = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ok = receiver.record(body, dict(self.headers.items()))
                self.send_response(204 if ok else 400)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def record(self, body: bytes, headers: dict[str, str]) -> bool:
        try:
            assert self.secret is not None
            payload: Any = Webhook(self.secret).verify(body, headers)
        except Exception:  # noqa: BLE001 - any failure to verify is counted, not raised
            with self.lock:
                self.unverified += 1
            return False
        webhook_id = headers.get("webhook-id") or headers.get("Webhook-Id") or ""
        if isinstance(payload, (bytes, str)):
            payload = json.loads(payload)
        with self.lock:
            self.arrivals[webhook_id] += 1
            self.types[webhook_id] = str(payload.get("type", ""))
            data = payload.get("data") or {}
            self.objects[webhook_id] = str(data.get("id", "")) if isinstance(data, dict) else ""
            self.first_at.setdefault(webhook_id, time.time())
        return True

    def received(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def ids_of_type(self, event_type: str) -> set[str]:
        with self.lock:
            return {i for i, t in self.types.items() if t == event_type}

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
