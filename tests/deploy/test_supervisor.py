"""The supervisor with real child processes; only the clock is injected."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psutil
import pytest

from lucid_payments.stack.processes import ChildSpec
from lucid_payments.stack.supervisor import Backoff, Supervisor
from tests.deploy.support import still_running, wait_until

pytestmark = pytest.mark.timeout(60)


def _python(name: str, code: str) -> ChildSpec:
    return ChildSpec(name=name, argv=(sys.executable, "-c", code), env=dict(os.environ))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_after_quick_crashes_and_resets_after_a_long_run() -> None:
    backoff = Backoff(initial_s=1, maximum_s=8, reset_after_s=60)
    delays = []
    previous = 0.0
    for _crash in range(6):
        previous = backoff.delay(previous_s=previous, uptime_s=2)
        delays.append(previous)
    assert delays == [1, 2, 4, 8, 8, 8]
    assert backoff.delay(previous_s=8, uptime_s=61) == 1


def test_a_crashed_child_is_reported_with_its_output_and_restarted_after_the_backoff(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    reports: list[str] = []
    crasher = _python("crasher", "print('about to fail', flush=True); raise SystemExit(3)")
    supervisor = Supervisor(
        [crasher], log_dir=tmp_path, report=reports.append, clock=clock, backoff=Backoff()
    )
    supervisor.start_all()
    child = supervisor.child("crasher")
    try:
        assert wait_until(lambda: child.exit_code() is not None, timeout_s=20)
        clock.now += 5
        supervisor.check()
        assert "crasher exited with code 3 after 5.0 s; restarting in 1 s" in reports[-1]
        assert "about to fail" in reports[-1]
        first_pid = child.pid

        supervisor.check()  # the backoff has not passed: nothing happens
        assert child.pid == first_pid and child.restarts == 0

        clock.now += 1
        supervisor.check()
        assert child.restarts == 1 and child.pid != first_pid
        assert reports[-1] == "restarting crasher (restart #1)"

        # It crashes again at once: the next delay doubles.
        assert wait_until(lambda: child.exit_code() is not None, timeout_s=20)
        clock.now += 1
        supervisor.check()
        assert "restarting in 2 s" in reports[-1]
    finally:
        supervisor.stop_all(grace_s=5)
    assert "about to fail" in (tmp_path / "crasher.log").read_text()


def test_stop_all_ends_every_child_and_what_it_started_even_one_ignoring_sigterm(
    tmp_path: Path,
) -> None:
    reports: list[str] = []
    polite = _python("polite", "import time; time.sleep(600)")
    stubborn = _python(
        "stubborn",
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "subprocess.Popen([sys.executable, '-c', 'import signal, time; "
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
        "print('ready', flush=True)\n"
        "time.sleep(600)",
    )
    supervisor = Supervisor([polite, stubborn], log_dir=tmp_path, report=reports.append)
    supervisor.start_all()
    stubborn_child = supervisor.child("stubborn")
    assert wait_until(lambda: "ready" in stubborn_child.tail, timeout_s=20)
    processes = []
    for pid in supervisor.pids().values():
        parent = psutil.Process(pid)
        processes += [parent, *parent.children(recursive=True)]
    assert len(processes) == 3

    supervisor.stop_all(grace_s=1)

    assert still_running(processes) == []
    assert reports == ["stubborn did not stop in time; killing it"]
