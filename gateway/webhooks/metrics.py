"""Prometheus metrics of webhook delivery; a failed delivery is an operator alert."""

from __future__ import annotations

from prometheus_client import Counter

WEBHOOK_ATTEMPTS = Counter(
    "lucid_webhook_attempts_total",
    "Webhook delivery attempts, by outcome",
    ["outcome"],  # delivered | retry | failed | gone | refused
)
WEBHOOK_DELIVERIES_FAILED = Counter(
    "lucid_webhook_deliveries_failed_total",
    "Webhook deliveries that failed for good (every attempt of the schedule failed)",
)
