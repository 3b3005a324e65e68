"""Readiness probes: the database and the TRON node must both answer.

Each probe returns ``None`` when healthy or a short reason. Probes have tight timeouts:
a load balancer polls them, and a hung dependency must read as "not ready", not hang.
"""

from __future__ import annotations

from collections.abc import Callable

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
    from lucid_payments.tron.readiness import node_readiness_problem

    return node_readiness_problem()


PROBES: dict[str, Probe] = {"database": database_probe, "node": node_probe}


def readiness_failures() -> dict[str, str]:
    failures: dict[str, str] = {}
    for name, probe in PROBES.items():
        reason = probe()
        if reason is not None:
            failures[name] = reason
    return failures
