"""The workloads' HTTP client: one connection per request (so the balancer spreads
them over the copies), and retries that are safe because they repeat the same
``Idempotency-Key`` — what a client does when the copy serving it dies mid-request."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

RETRY_STATUSES = {502, 503, 504}


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    attempts: int


class ApiClient:
    def __init__(self, base_url: str, key: str, *, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout_s = timeout_s

    def once(
        self, method: str, path: str, body: Any = None, *, idempotency_key: str | None = None
    ) -> tuple[int, Any]:
        """One attempt; raises OSError when the connection fails."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if idempotency_key:
            request.add_header("Idempotency-Key", idempotency_key)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = response.read()
                status = int(response.status)
        except urllib.error.HTTPError as error:
            raw = error.read()
            status = int(error.code)
        return status, json.loads(raw) if raw else None

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        idempotent: bool = False,
        idempotency_key: str | None = None,
        attempts: int = 8,
    ) -> Answer:
        """Retry a failed connection or a 5xx from a dying copy, with the same key."""
        key = idempotency_key or (uuid.uuid4().hex if idempotent else None)
        last_error: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                status, payload = self.once(method, path, body, idempotency_key=key)
            except OSError as exc:  # the copy died with our request; safe to repeat
                last_error = exc
                time.sleep(0.2 * attempt)
                continue
            # 409: a concurrent duplicate of our own retry still runs (the first attempt
            # reached a copy that died after taking the key); it resolves shortly.
            if status in RETRY_STATUSES or (status == 409 and key is not None):
                time.sleep(0.2 * attempt)
                continue
            return Answer(status, payload, attempt)
        raise RuntimeError(f"{method} {path} failed {attempts} times: {last_error}")
