"""The soak's API client: a client application's behaviour under faults. A POST that moves
money carries an ``Idempotency-Key`` and is repeated with the same key when the answer is
lost or a 5xx, so a retry can never pay twice."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

RETRIED_STATUSES = frozenset({429, 502, 503, 504})
# Our own earlier attempt with the same key still running (its answer was lost): wait.
IN_PROGRESS_CODE = "idempotency_in_progress"


class ApiFailure(RuntimeError):
    """An API call that kept failing, or answered a 5xx: a bug the soak reports."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


class Api:
    def __init__(self, base_url: str, key: str) -> None:
        self._http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30.0
        )

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, **params: Any) -> Any:
        reply = self._send("GET", path, params=params)
        if reply.status != 200:
            raise ApiFailure(f"GET {path} {params}: {reply.status} {reply.body}")
        return reply.body

    def post(
        self, path: str, body: dict[str, Any] | None = None, *, key: str | None = None
    ) -> Reply:
        """POST with an Idempotency-Key (a new one unless given), retried with that key."""
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        return self._send("POST", path, json=body or {}, headers=headers)

    def _send(self, method: str, path: str, **kwargs: Any) -> Reply:
        last = ""
        for attempt in range(8):
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                last = repr(exc)
            else:
                body = _json(response)
                if response.status_code not in RETRIED_STATUSES and not _in_progress(body):
                    if response.status_code >= 500:
                        raise ApiFailure(f"{method} {path}: {response.status_code} {body}")
                    return Reply(response.status_code, body)
                last = f"{response.status_code} {response.text[:200]}"
            time.sleep(min(0.25 * 2**attempt, 4.0))
        raise ApiFailure(f"{method} {path} kept failing: {last}")


def _in_progress(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and error.get("code") == IN_PROGRESS_CODE


def _json(response: httpx.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return response.text[:500]
