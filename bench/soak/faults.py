"""The faults the soak injects, one function each, in a table: the node losing broadcasts,
answering SERVER_BUSY or HTTP 503, a fork dropping recent blocks (devnet/faults.py and
POST /devnet/fork), and SIGKILL of the worker or the scanner (restarted by the
supervisor, as ``manage.py up`` and an orchestrator do)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.soak.stack import SOLID_LAG, RunningStack

Inject = Callable[[RunningStack, httpx.Client, random.Random], str]


@dataclass(frozen=True)
class Fault:
    # Kills weigh less: a restarted worker needs ~20 s of a busy machine to boot, and one
    # killed every few seconds would do no work at all.
    weight: int
    inject: Inject


def _node_faults(devnet: httpx.Client, spec: dict[str, Any]) -> None:
    devnet.post("/devnet/faults", json=spec).raise_for_status()


def drop_broadcasts(stack: RunningStack, devnet: httpx.Client, rng: random.Random) -> str:
    """The next broadcasts answer success and are never included."""
    count = rng.randint(1, 3)
    _node_faults(devnet, {"drop_broadcasts": count})
    return f"drop_broadcasts {count}"


def server_busy(stack: RunningStack, devnet: httpx.Client, rng: random.Random) -> str:
    count = rng.randint(1, 4)
    _node_faults(devnet, {"server_busy": {"requests": count}})
    return f"server_busy {count}"


def http_503(stack: RunningStack, devnet: httpx.Client, rng: random.Random) -> str:
    """Every node request answers 503 for a few seconds."""
    seconds = rng.randint(1, 4)
    _node_faults(devnet, {"http_error": {"status": 503, "seconds": seconds}})
    return f"http_503 {seconds}s"


def fork(stack: RunningStack, devnet: httpx.Client, rng: random.Random) -> str:
    """The last blocks (never solidified ones) leave the chain with their transactions."""
    blocks = rng.randint(1, SOLID_LAG - 1)
    answer = devnet.post("/devnet/fork", json={"blocks": blocks})
    if answer.status_code != 200:
        return f"fork {blocks} refused: {answer.json().get('error')}"
    return f"fork {blocks}"


def kill_worker(stack: RunningStack, devnet: httpx.Client, rng: random.Random) -> str:
    stack.kill("worker")
    return "kill -9 worker"


def kill_scanner(stack: RunningStack, devnet: httpx.Client, rng: random.Random) -> str:
    stack.kill("scanner")
    return "kill -9 scanner"


FAULTS: dict[str, Fault] = {
    "drop_broadcasts": Fault(3, drop_broadcasts),
    "server_busy": Fault(3, server_busy),
    "http_503": Fault(3, http_503),
    "fork": Fault(3, fork),
    "kill_worker": Fault(1, kill_worker),
    "kill_scanner": Fault(1, kill_scanner),
}
