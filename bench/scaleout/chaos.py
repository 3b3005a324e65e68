"""SIGKILL at random moments: one qcluster worker, one HTTP copy and the active scanner,
each once, while the workload runs. The scanner's standby is timed from the kill to the
moment it holds the advisory lock."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bench.scaleout.harness import Running
from bench.scaleout.topology import Node


@dataclass
class Chaos:
    running: Running
    window_s: tuple[float, float]  # kills happen between these offsets from the start
    rng: random.Random
    killed: list[Node] = field(default_factory=list)
    record: list[dict[str, Any]] = field(default_factory=list)
    scanner_handover_s: float | None = None

    def plan(self) -> list[tuple[float, str]]:
        low, high = self.window_s
        return sorted((self.rng.uniform(low, high), what) for what in ("worker", "http", "scanner"))

    def run(self, started: float, stop: threading.Event) -> None:
        for at, what in self.plan():
            if stop.wait(max(0.0, started + at - time.monotonic())):
                return
            getattr(self, f"_kill_{what}")(time.monotonic() - started)

    def _kill(self, node: Node, offset_s: float, **extra: Any) -> None:
        node.kill()
        self.killed.append(node)
        self.record.append({"node": node.name, "at_s": round(offset_s, 1), **extra})

    def _kill_worker(self, offset_s: float) -> None:
        self._kill(self.rng.choice(self.running.workers), offset_s)

    def _kill_http(self, offset_s: float) -> None:
        copies = [node for nodes in self.running.http.values() for node in nodes]
        self._kill(self.rng.choice(copies), offset_s)

    def _kill_scanner(self, offset_s: float) -> None:
        topology = self.running.topology
        active, _ = topology.wait_for_lock_holder(self.running.scanners, timeout_s=10)
        if active is None:
            self.record.append({"node": "scanner", "at_s": round(offset_s, 1), "error": "none"})
            return
        standby = [s for s in self.running.scanners if s is not active]
        self._kill(active, offset_s)
        holder, took = topology.wait_for_lock_holder(standby, timeout_s=30)
        self.scanner_handover_s = round(took, 2) if holder is not None else None
        self.record[-1]["standby_took_over_s"] = self.scanner_handover_s
