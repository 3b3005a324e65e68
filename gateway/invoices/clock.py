"""The gateway's clock: expiry and the monitoring window are decided by it.

Production reads the wall clock; a test sets it (``clock_set``) to walk an invoice past
its expiry or its monitoring window without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_source: Callable[[], datetime] = timezone.now


def now() -> datetime:
    return _source()


@contextmanager
def clock_set(source: Callable[[], datetime]) -> Iterator[None]:
    """Read time from ``source`` inside the block (tests only)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
