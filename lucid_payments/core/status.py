"""What ``/status`` reports about this process: which service and version, the chain and
the scanner, the background queue, and how long the process has been up.

Cheap by design (one indexed row for the scanner, one count or ``LLEN`` for the queue, a
node reading shared for a few seconds) and never failing: a dependency that does not
answer is reported as null with the reason, not as a 500.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from importlib import metadata

from django.conf import settings

logger = logging.getLogger(__name__)

DISTRIBUTION = "lucid-payments"
# Set when the core app starts (django.setup()), i.e. when this process began serving.
_STARTED_AT = time.monotonic()


def process_started() -> None:
    """Mark now as this process's start; called once from the core app's ``ready``."""
    global _STARTED_AT
    _STARTED_AT = time.monotonic()


def uptime_seconds() -> int:
    return int(time.monotonic() - _STARTED_AT)


def platform_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


@dataclass(frozen=True)
class QueueDepth:
    tasks: int | None  # waiting to be picked up by a worker; None when the broker is down
    error: str | None


def queue_depth() -> QueueDepth:
    """Tasks waiting in django-q2's broker (the database, or Redis with ``REDIS_URL``)."""
    from django_q.brokers import get_broker

    try:
        return QueueDepth(int(get_broker().queue_size()), None)
    except Exception as exc:  # noqa: BLE001 - a broker that fails is reported, not raised
        logger.warning("status: the task queue could not be read: %r", exc)
        return QueueDepth(None, f"queue unavailable: {type(exc).__name__}")


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    version: str
    network: str
    head_block: int | None
    solid_block: int | None
    scanner_block: int | None
    scanner_lag: int | None
    queue_depth: int | None
    uptime_seconds: int
    problems: dict[str, str]


def service_status() -> ServiceStatus:
    from lucid_payments.tron.readiness import chain_status

    chain = chain_status()
    queue = queue_depth()
    problems = {"node": chain.node_error, "queue": queue.error}
    return ServiceStatus(
        service=settings.SERVICE_NAME,
        version=platform_version(),
        network=chain.network,
        head_block=chain.head_block,
        solid_block=chain.solid_block,
        scanner_block=chain.scanner_block,
        scanner_lag=chain.scanner_lag,
        queue_depth=queue.tasks,
        uptime_seconds=uptime_seconds(),
        problems={name: reason for name, reason in problems.items() if reason is not None},
    )
