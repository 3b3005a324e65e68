"""`python -m devnet` (and the Django `manage.py devnet` wrapper): run a local TRON node.

Prints the genesis accounts with their private keys and the token address, serves TRON's
HTTP API until SIGINT/SIGTERM, and with `--state FILE` reloads the chain on start and saves
it on shutdown and every `--save-every` seconds.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from devnet import persistence
from devnet.genesis import GENESIS_BALANCE_SUN, TOKEN_ADDRESS, TOKEN_SYMBOL
from devnet.node import Node
from devnet.params import MS_PER_DAY, ChainParams
from devnet.server import IDLE_TIMEOUT_S, BlockProducer, DevnetServer

log = logging.getLogger("devnet")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devnet", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8090, help="HTTP port (default 8090)")
    parser.add_argument(
        "--block-time",
        type=float,
        default=3.0,
        help="seconds between blocks; 0 = only on POST /devnet/mine (default 3)",
    )
    parser.add_argument(
        "--solid-lag",
        type=int,
        default=19,
        help="blocks between head and solidified head (default 19, as mainnet)",
    )
    parser.add_argument("--seed", type=int, default=0, help="derives the genesis accounts")
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="JSON file: chain reloaded on start, saved on shutdown",
    )
    parser.add_argument(
        "--save-every",
        type=float,
        default=60.0,
        help="with --state, also save every N seconds (default 60; 0 = never)",
    )
    parser.add_argument(
        "--unfreeze-delay-days",
        type=float,
        default=14.0,
        help="Stake 2.0 unfreeze delay in days (default 14; fractions allowed)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT_S,
        help="seconds a connection may send nothing (mid-request too) before it is closed "
        f"(default {IDLE_TIMEOUT_S:g})",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the accounts")
    return parser


def make_node(args: argparse.Namespace) -> Node:
    params = ChainParams(unfreeze_delay_ms=int(args.unfreeze_delay_days * MS_PER_DAY))
    if args.state is not None and args.state.exists():
        return persistence.load(
            args.state,
            block_time=args.block_time,
            solid_lag=args.solid_lag,
            clock=time.time,
            params=params,
        )
    return Node(seed=args.seed, block_time=args.block_time, solid_lag=args.solid_lag, params=params)


def print_banner(node: Node, url: str) -> None:
    print(f"TRON devnet listening on {url}  (head block {node.head.number})")
    print(f"Token {TOKEN_SYMBOL} (TRC20, 6 decimals): {TOKEN_ADDRESS}")
    print(
        f"Genesis accounts ({GENESIS_BALANCE_SUN // 1_000_000:,} TRX each; "
        f"#0 holds the {TOKEN_SYMBOL} supply):"
    )
    for index, pair in enumerate(node.accounts):
        print(f"  ({index}) {pair.base58}  private key {pair.private_key.hex()}")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s devnet %(message)s")
    try:
        node = make_node(args)
    except persistence.StateFileError as exc:
        print(f"devnet: {exc}", file=sys.stderr)
        return 2
    server = DevnetServer(node, args.host, args.port, idle_timeout_s=args.idle_timeout)
    if not args.quiet:
        print_banner(node, server.url)
    producer = BlockProducer(node) if args.block_time > 0 else None
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    serving = threading.Thread(target=server.serve_forever, name="devnet-http", daemon=True)
    serving.start()
    if producer:
        producer.start()
    try:
        while not stopping.wait(args.save_every if args.state and args.save_every > 0 else 3600):
            if args.state:
                persistence.save(node, args.state)
    finally:
        if producer:
            producer.stop()
            producer.join()
        server.shutdown()
        server.server_close()
        if args.state:
            persistence.save(node, args.state)
            log.info("chain saved to %s (head %d)", args.state, node.head.number)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
