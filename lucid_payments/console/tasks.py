"""django-q entry points of the console (thin)."""

from __future__ import annotations

from lucid_payments.console.chain_read import console_chain_read


def console_chain_read_task() -> str:
    reading, run = console_chain_read()
    return f"node reading {reading.pk}, reconcile {run.verdict}"
