"""Is the TRON node ready to serve us? The node half of ``/health/ready``.

Asks ``getnodeinfo`` through the same transport the platform uses (API key header,
failover list), but with a short timeout and one try per URL: a load balancer polls this,
and a hung node must read as "not ready", not hang the probe.
"""

from __future__ import annotations

from django.conf import settings

from lucid_payments.core.errors import ApplicationError
from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.node import TronNode

PROBE_TIMEOUT_S = 2.0
PROBE_CONNECT_TIMEOUT_S = 1.0


def node_readiness_problem() -> str | None:
    """None when some node of ``TRON_NODE_URLS`` answers with its head blocks, else why not."""
    urls = list(settings.TRON_NODE_URLS)
    node = TronNode(
        urls,
        api_key=settings.TRONGRID_API_KEY,
        timeout_s=PROBE_TIMEOUT_S,
        connect_timeout_s=PROBE_CONNECT_TIMEOUT_S,
        max_attempts=len(urls),
        backoff_base_s=0.0,
        sleep=lambda _seconds: None,
    )
    try:
        reads.node_info(node)
    except ApplicationError as exc:
        return f"node unavailable: {exc.message}"
    finally:
        node.close()
    return None
