"""Runs the children of the stack together: starts them, reports and restarts the ones
that crash (with backoff), and stops them all on request.

Each child gets its own process group, so a Ctrl-C in the terminal reaches only the
supervisor, which then stops the children in order and waits for them; a child's own
children (gunicorn workers, qcluster processes) are cleaned up with its group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from lucid_payments.stack.processes import ChildSpec

TAIL_LINES = 15
# How long a process group may take to empty after its leader exited or was killed. Bounded:
# an orphaned zombie stays in its group until PID 1 reaps it, which some containers never do.
GROUP_SETTLE_S = 2.0
Report = Callable[[str], None]
Echo = Callable[[str, str], None]


@dataclass(frozen=True)
class Backoff:
    """Restart delays: doubled after each quick crash, reset after a long healthy run."""

    initial_s: float = 1.0
    maximum_s: float = 30.0
    reset_after_s: float = 60.0

    def delay(self, *, previous_s: float, uptime_s: float) -> float:
        if uptime_s >= self.reset_after_s or previous_s <= 0:
            return self.initial_s
        return min(previous_s * 2, self.maximum_s)


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _group_gone(child: Child) -> bool:
    return not child.group_alive()


class Child:
    """One supervised process and what we remember about it."""

    def __init__(self, spec: ChildSpec, *, log_path: Path, echo: Echo | None) -> None:
        self.spec = spec
        self.log_path = log_path
        self._echo = echo
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.last_delay_s = 0.0
        self.restarts = 0
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._pump: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, now: float) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n".encode())
        log.flush()
        self.process = subprocess.Popen(  # noqa: S603 - argv built by processes.py
            self.spec.argv,
            env=dict(self.spec.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        self.started_at = now
        self.restart_at = None
        assert self.process.stdout is not None
        self._pump = threading.Thread(
            target=self._copy_output,
            args=(self.process.stdout, log),
            name=f"output-{self.name}",
            daemon=True,
        )
        self._pump.start()

    def _copy_output(self, stream: IO[bytes], log: IO[bytes]) -> None:
        """Keep every line in the child's log file, the last few in memory for crash
        reports, and show them in the terminal when asked to."""
        with stream, log:
            for raw in iter(stream.readline, b""):
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", errors="replace").rstrip()
                self.tail.append(line)
                if self._echo is not None:
                    self._echo(self.name, line)

    def exit_code(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        """Signal the child and everything it started (same process group)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def group_alive(self) -> bool:
        if self.process is None:
            return False
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def finish_output(self, timeout_s: float = 2.0) -> None:
        if self._pump is not None:
            self._pump.join(timeout_s)


class Supervisor:
    def __init__(
        self,
        specs: Iterable[ChildSpec],
        *,
        log_dir: Path,
        report: Report,
        echo: Echo | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = [
            Child(spec, log_path=log_dir / f"{spec.name}.log", echo=echo) for spec in specs
        ]
        self._report = report
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._stopping = False

    def child(self, name: str) -> Child:
        for child in self.children:
            if child.name == name:
                return child
        raise KeyError(name)

    def start_all(self) -> None:
        for child in self.children:
            child.start(self._clock())

    def check(self) -> None:
        """Report children that died, and restart those whose backoff has passed."""
        if self._stopping:
            return
        now = self._clock()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._report(f"restarting {child.name} (restart #{child.restarts})")
                    child.start(now)
                continue
            code = child.exit_code()
            if code is None:
                continue
            child.finish_output(timeout_s=0.5)
            # Whatever it left behind in its group goes too, before a new copy binds the port.
            child.signal_group(signal.SIGKILL)
            uptime = now - child.started_at
            delay = self._backoff.delay(previous_s=child.last_delay_s, uptime_s=uptime)
            child.last_delay_s = delay
            child.restart_at = now + delay
            tail = "\n".join(f"    {line}" for line in child.tail)
            self._report(
                f"{child.name} exited with code {code} after {uptime:.1f} s; "
                f"restarting in {delay:.0f} s (log: {child.log_path})"
                + (f"\n  last output:\n{tail}" if tail else "")
            )

    def stop_all(self, *, grace_s: float = 25.0, force: Callable[[], bool] = lambda: False) -> None:
        """SIGTERM every child (they shut down in parallel), wait up to ``grace_s`` or until
        ``force()`` says to hurry, then SIGKILL whatever is left in their groups."""
        self._stopping = True
        running = [child for child in reversed(self.children) if child.is_running()]
        for child in running:
            assert child.process is not None
            try:
                # The leader only: gunicorn and qcluster stop their own workers in order.
                child.process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        # Real time, not the injected clock: that one only decides restarts.
        deadline = time.monotonic() + grace_s
        while any(child.is_running() for child in running):
            if time.monotonic() >= deadline or force():
                break
            time.sleep(0.1)
        # What the leaders started exits just after them; give it a moment.
        _wait_for(lambda: not any(child.group_alive() for child in running), GROUP_SETTLE_S)
        for child in self.children:
            if child.is_running() or child.group_alive():
                self._report(f"{child.name} did not stop in time; killing it")
                child.signal_group(signal.SIGKILL)
            if child.process is not None:
                child.process.wait()
            # SIGKILL is delivered asynchronously: wait until the group is really gone.
            _wait_for(partial(_group_gone, child), GROUP_SETTLE_S)
            child.finish_output()

    def pids(self) -> dict[str, int]:
        return {child.name: child.pid for child in self.children if child.pid is not None}
