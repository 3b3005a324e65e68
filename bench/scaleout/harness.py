"""One call to bring a whole multi-node layout up on a prepared database and take it
down again: what the short test and the long run share."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.scaleout.api import ApiClient
from bench.scaleout.redis_lease import leased_redis_db
from bench.scaleout.topology import REPO, WORKER_SETTINGS, Node, Topology, TopologySettings


@dataclass(frozen=True)
class Layout:
    """How many copies of what: HTTP services by name, qcluster workers, scanners."""

    services: Mapping[str, int]
    workers: int = 2
    scanners: int = 2
    block_time_s: float = 1.0
    solid_lag: int = 3
    extra_env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Running:
    topology: Topology
    key: str
    http: dict[str, list[Node]]
    balancers: dict[str, Node]
    workers: list[Node]
    scanners: list[Node]
    devnet: Node

    def api(self, service: str) -> ApiClient:
        """A client of ``service`` through its balancer."""
        return ApiClient(self.balancers[service].url, self.key)


def run_django_module(topology: Topology, module: str, *args: str) -> str:
    """``python -m module args`` as one more Django process of the topology (its
    database, node and broker); its standard output, or a RuntimeError saying why not."""
    env = topology.base_env(module.rsplit(".", 1)[-1])
    env["DJANGO_SETTINGS_MODULE"] = WORKER_SETTINGS
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_database(topology: Topology, client_name: str) -> str:
    """Migrate the shared database and issue the workload's API key (printed last)."""
    output = run_django_module(topology, "bench.scaleout.prepare", client_name)
    return output.strip().splitlines()[-1]


def wait_listening(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout_s} s")


@contextmanager
def running_layout(
    layout: Layout, *, database_url: str, redis_base_url: str, workdir: Path
) -> Iterator[Running]:
    """Lease a Redis database, start the devnet, prepare PostgreSQL, start every node
    and a balancer per HTTP service; stop them all (and flush the lease) on exit."""
    with leased_redis_db(redis_base_url) as redis_url:
        topology = Topology(
            TopologySettings(
                database_url=database_url,
                redis_url=redis_url,
                workdir=workdir,
                master_key=base64.b64encode(os.urandom(32)).decode(),
                block_time_s=layout.block_time_s,
                solid_lag=layout.solid_lag,
                extra_env=layout.extra_env,
            )
        )
        try:
            devnet = topology.start_devnet()
            key = prepare_database(topology, "Scale-out client")
            http = {name: topology.start_http(name, n) for name, n in layout.services.items()}
            workers = topology.start_workers(layout.workers)
            scanners = topology.start_scanners(layout.scanners)
            topology.wait_healthy([devnet, *(node for nodes in http.values() for node in nodes)])
            balancers = {
                name: topology.start_balancer(f"{name}-balancer", nodes)
                for name, nodes in http.items()
            }
            for balancer in balancers.values():
                assert balancer.port is not None
                wait_listening(balancer.port)
            yield Running(topology, key, http, balancers, workers, scanners, devnet)
        finally:
            topology.stop()
