"""Fault injection for client tests: lost broadcasts, SERVER_BUSY, HTTP 503/429, slow replies.

Configured through `POST /devnet/faults` (see devnet/README.md); the control API itself is
never affected. Windows are counted in requests or measured in seconds of the node's clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class FaultSpecError(ValueError):
    """A fault request the devnet does not understand."""


@dataclass
class _Window:
    """Active for `requests` more hits, or until `until` (clock seconds), whichever is set."""

    requests: int | None = None
    until: float | None = None

    def take(self, now: float) -> bool:
        if self.requests is not None:
            if self.requests <= 0:
                return False
            self.requests -= 1
            return True
        return self.until is not None and now < self.until


class Faults:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self._drop_broadcasts = 0
        self._server_busy: _Window | None = None
        self._http_status = 0
        self._http_window: _Window | None = None
        self._delay_ms = 0

    def configure(self, spec: dict[str, Any]) -> None:
        """Add the faults in `spec` (keys: drop_broadcasts, server_busy, http_error, delay_ms)."""
        known = {"drop_broadcasts", "server_busy", "http_error", "delay_ms"}
        if not isinstance(spec, dict) or not spec or set(spec) - known:
            raise FaultSpecError(f"expected an object with some of {sorted(known)}")
        with self._lock:
            if "drop_broadcasts" in spec:
                self._drop_broadcasts = _count(spec["drop_broadcasts"], "drop_broadcasts")
            if "server_busy" in spec:
                self._server_busy = self._window(spec["server_busy"], "server_busy")
            if "http_error" in spec:
                error = spec["http_error"]
                if not isinstance(error, dict) or error.get("status") not in (503, 429):
                    raise FaultSpecError("http_error needs status 503 or 429")
                self._http_status = int(error["status"])
                self._http_window = self._window(
                    {k: v for k, v in error.items() if k != "status"}, "http_error"
                )
            if "delay_ms" in spec:
                self._delay_ms = _count(spec["delay_ms"], "delay_ms")

    def _window(self, value: object, name: str) -> _Window:
        if isinstance(value, int) and not isinstance(value, bool):
            return _Window(requests=_count(value, name))
        if isinstance(value, dict) and set(value) == {"requests"}:
            return _Window(requests=_count(value["requests"], name))
        if isinstance(value, dict) and set(value) == {"seconds"}:
            seconds = value["seconds"]
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
                raise FaultSpecError(f"{name}.seconds must be a non-negative number")
            return _Window(until=self._clock() + float(seconds))
        raise FaultSpecError(f"{name} must be N, {{'requests': N}} or {{'seconds': S}}")

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "drop_broadcasts": self._drop_broadcasts,
                "server_busy": vars(self._server_busy) if self._server_busy else None,
                "http_error": (
                    {"status": self._http_status, **vars(self._http_window)}
                    if self._http_window
                    else None
                ),
                "delay_ms": self._delay_ms,
            }

    # ---- consulted by the server, one request at a time ---------------------------------
    def take_http_status(self) -> int:
        """The HTTP status to answer this request with instead of serving it (0 = serve)."""
        with self._lock:
            if self._http_window and self._http_window.take(self._clock()):
                return self._http_status
            return 0

    def delay_seconds(self) -> float:
        with self._lock:
            return self._delay_ms / 1000

    def take_server_busy(self) -> bool:
        with self._lock:
            return bool(self._server_busy and self._server_busy.take(self._clock()))

    def take_dropped_broadcast(self) -> bool:
        with self._lock:
            if self._drop_broadcasts > 0:
                self._drop_broadcasts -= 1
                return True
            return False


def _count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FaultSpecError(f"{name} must be a non-negative integer")
    return value
