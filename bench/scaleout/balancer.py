"""A round-robin TCP load balancer in front of several copies of one HTTP process.

    python -m bench.scaleout.balancer --listen 127.0.0.1:0 --backend 127.0.0.1:9001 \
        --backend 127.0.0.1:9002

Each accepted connection goes to the next backend in turn and its bytes are piped both
ways untouched (as HAProxy's ``mode tcp`` with ``balance roundrobin``). A backend that
refuses the connection (a copy that was killed) is skipped for that connection and the
next one is tried, so a dead copy costs a refused connect, not a failed request; a
request already in flight on a copy that dies fails with it, and the client retries it
(with its Idempotency-Key, that is safe). Per connection, not per request: a keep-alive
client stays on one copy, so the workloads open a connection per request.

Why not a maintained balancer: HAProxy and nginx are Debian packages, not Python ones, so
``make test`` on every developer machine and on CI would need a system install for one
test; PyPI has no maintained balancer that fits. This is the few lines the topology
needs, and it is not a production component: in production put HAProxy, nginx or the
platform's own load balancer in front, with ``/health/ready`` as its check.

Prints ``listening on HOST:PORT`` once bound (port 0 picks a free one).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import sys
from collections.abc import Sequence

CONNECT_TIMEOUT_S = 2.0
CHUNK = 65536
NO_BACKEND = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass


class RoundRobin:
    def __init__(self, backends: Sequence[tuple[str, int]]) -> None:
        self.backends = list(backends)
        self._turn = itertools.cycle(range(len(self.backends)))
        # asyncio drops its own reference to a connection's task when the client hangs
        # up first; held here, the task still closes the backend side before it ends.
        self._tasks: set[asyncio.Task[None]] = set()

    async def open_next(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """The next backend that accepts a connection, starting with the one whose turn
        it is; None when none does."""
        first = next(self._turn)
        for step in range(len(self.backends)):
            host, port = self.backends[(first + step) % len(self.backends)]
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout=CONNECT_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                continue
        return None

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        opened = await self.open_next()
        if opened is None:
            client_w.write(NO_BACKEND)
            await client_w.drain()
            client_w.close()
            return
        backend_r, backend_w = opened
        await asyncio.gather(pipe(client_r, backend_w), pipe(backend_r, client_w))
        for writer in (client_w, backend_w):
            writer.close()


async def serve(listen: tuple[str, int], backends: Sequence[tuple[str, int]]) -> None:
    balancer = RoundRobin(backends)
    server = await asyncio.start_server(balancer.handle, listen[0], listen[1], backlog=1024)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (port 0: any free)")
    parser.add_argument(
        "--backend", action="append", required=True, help="HOST:PORT of one copy; repeat"
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(parse_address(args.listen), [parse_address(b) for b in args.backend]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
