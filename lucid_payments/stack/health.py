"""Polling a child's health URL."""

from __future__ import annotations

import urllib.error
import urllib.request

from lucid_payments.stack.processes import ChildSpec

PROBE_TIMEOUT_S = 2.0


def http_status(url: str, *, timeout: float = PROBE_TIMEOUT_S) -> int | None:
    """The status code ``url`` answers a GET with, or None when nothing answers."""
    request = urllib.request.Request(url, method="GET")  # noqa: S310 - our own loopback URLs
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


def is_healthy(spec: ChildSpec) -> bool:
    if spec.health_url is None:
        return True
    status = http_status(spec.health_url)
    if status is None:
        return False
    return status < 500 if spec.healthy_on_any_answer else status == 200
