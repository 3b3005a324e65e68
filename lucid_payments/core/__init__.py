"""Shared kernel: money, errors, idempotency, audit log, health and metrics."""
