"""Readiness probes: the database and the TRON node must both answer.

Each probe returns ``None`` when healthy or a short reason. Probes have tight timeouts:
a load balancer polls them, and a hung dependency must read as "not ready", not hang.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.db import connection

NODE_PROBE_TIMEOUT_S = 2.0

Probe = Callable[[], str | None]


def database_probe() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"database unreachable: {type(exc).__name__}"
    return None


def node_probe() -> str | None:
    request = urllib.request.Request(  # noqa: S310 - URL comes from our own settings
        f"{settings.TRON_NODE_URL.rstrip('/')}/wallet/getnodeinfo",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if settings.TRONGRID_API_KEY:
        request.add_header("TRON-PRO-API-KEY", settings.TRONGRID_API_KEY)
    try:
        with urllib.request.urlopen(request, timeout=NODE_PROBE_TIMEOUT_S) as response:  # noqa: S310
            body = json.loads(response.read() or b"{}")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        return f"node {settings.TRON_NODE_URL} unreachable: {type(exc).__name__}"
    if "block" not in body:
        return f"node {settings.TRON_NODE_URL} answered without a head block"
    return None


PROBES: dict[str, Probe] = {"database": database_probe, "node": node_probe}


def readiness_failures() -> dict[str, str]:
    failures: dict[str, str] = {}
    for name, probe in PROBES.items():
        reason = probe()
        if reason is not None:
            failures[name] = reason
    return failures
