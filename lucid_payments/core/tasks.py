"""django-q entry points of the shared kernel. Thin: each calls one service."""

from __future__ import annotations

from lucid_payments.core import idempotency


def idempotency_purge_expired() -> int:
    """Hourly: forget Idempotency-Keys past their expiry. Safe to run twice."""
    return idempotency.idempotency_purge_expired()
