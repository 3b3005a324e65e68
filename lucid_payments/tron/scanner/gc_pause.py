"""Pause Python's automatic cyclic garbage collector while node answers are decoded.

A catch-up range is one JSON document of ~30 MB: hundreds of thousands of dicts, lists
and strings that all stay alive until the document is done. CPython (3.11) counts each
of them as a new container and keeps starting collections, including full ones over
every object of the process (Django's included), while none of it can be garbage: JSON
has no cycles. Measured on the scanner benchmark, collection was two thirds of the time
spent decoding. Paused, the objects are still freed by reference counting; only cycles
made elsewhere meanwhile wait for the next collection, which runs as soon as the last
pause ends.

Process-wide (the collector is), so pauses from several threads are counted and the
collector comes back only when the last one ends, and only if it was on before.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_was_enabled = False


@contextmanager
def automatic_gc_paused() -> Iterator[None]:
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                gc.enable()
