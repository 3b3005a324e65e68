"""Chain health: the node's head and solid block (last reading), the scanner's cursor and
how far it is behind, and node errors in the last hour."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from lucid_payments.console.models import NodeReading
from lucid_payments.console.node_readings import node_reading_latest
from lucid_payments.tron.selectors import broadcast_refusals_since, scan_cursor_block


def context(request: HttpRequest) -> dict[str, Any]:
    network = str(settings.TRON_NETWORK)
    hour_ago = timezone.now() - timedelta(hours=1)
    reading = node_reading_latest()
    good = NodeReading.objects.filter(network=network, error="").first()
    cursor = scan_cursor_block(network=network)
    head = good.head_block if good is not None else None
    failed_readings = NodeReading.objects.filter(network=network, read_at__gte=hour_ago).exclude(
        error=""
    )
    return {
        "network": network,
        "reading": reading,
        "good": good,
        "head": head,
        "solid": good.solid_block if good is not None else None,
        "cursor": cursor,
        "lag": max(head - cursor, 0) if head is not None and cursor is not None else None,
        "node_errors": failed_readings.count()
        + broadcast_refusals_since(since=hour_ago, network=network),
    }
