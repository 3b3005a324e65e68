"""The decode-time GC pause: counted across threads, restores what it found."""

from __future__ import annotations

import gc
import threading

from lucid_payments.tron.scanner.gc_pause import automatic_gc_paused


def test_pauses_nest_across_threads_and_the_collector_comes_back_after_the_last() -> None:
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_decode() -> None:
        with automatic_gc_paused():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=other_decode)
    try:
        with automatic_gc_paused():
            assert not gc.isenabled()
            worker.start()
            assert inside.wait(10)
        assert not gc.isenabled()  # the other thread still decodes
    finally:
        release.set()
        worker.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        with automatic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_decode_raises() -> None:
    try:
        with automatic_gc_paused():
            raise ValueError("not JSON")
    except ValueError:
        pass
    assert gc.isenabled()
