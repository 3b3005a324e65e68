"""Scanner benchmark: catch-up speed and time from inclusion to "seen".

    python -m bench.scanner            # 1,000 blocks x 300 transfers, 10,000 watched
    python -m bench.scanner --blocks 200 --latency-seconds 30   # quicker look

1. Catch-up: a devnet chain of ``--blocks`` blocks, each with ``--transfers`` transfers
   (half TRX, half USDT, recipients drawn from a pool of which ``--watched`` addresses are
   watched), is served by a devnet in its own process; the scanner walks it from block 1
   against a fresh PostgreSQL database. The chain is built once and cached under
   ``var/bench/`` (building signs every transaction and takes a few minutes).
2. Latency: a fresh devnet producing a block every 3 s; a sender pushes transfers to
   watched addresses through the faucet while the scanner runs its normal foreground
   loop; for each transfer, seen latency = commit time of its "seen" row minus its
   block's timestamp.

The last line printed is a JSON object with ``catchup_blocks_per_s``, ``seen_p50_s`` and
``seen_p95_s`` (and the inputs that produced them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "bench"
SOLID_LAG = 19
BLOCK_INTERVAL_S = 3.0
SCAN_INTERVAL_S = 0.5  # the scan command's poll interval once caught up


# -- the chain --------------------------------------------------------------------------


def build_chain(path: Path, *, blocks: int, transfers: int, watched: int, seed: int) -> None:
    """Sign and mine the benchmark chain in-process, then save it as a devnet state file."""
    from devnet import persistence
    from devnet.addresses import to_base58
    from devnet.control import _token_transfer_raw, _transfer_raw
    from devnet.node import Node

    rng = random.Random(seed)
    # solid_lag 0 while building: the node then keeps no per-block state snapshots, which
    # would make building slower with every block. The served node uses SOLID_LAG.
    node = Node(seed=0, block_time=0, solid_lag=0)
    senders = node.accounts
    issuer = senders[0]
    # Recipients: a pool twice the watched set, so about half the transfers are ours.
    pool = [b"\x41" + rng.randbytes(20) for _ in range(2 * watched)]
    watched_pool = pool[:watched]
    watched_set = set(watched_pool)
    # Block 1: spread USDT over all genesis accounts so energy fees spread too.
    for sender in senders[1:]:
        raw = _token_transfer_raw(issuer.address, sender.address, 10**15, node)
        node.sign_and_admit(raw, issuer.private_key)
    node.produce_block()
    expected = 0
    started = time.monotonic()
    for number in range(blocks):
        for i in range(transfers):
            sender = senders[(number * transfers + i) % len(senders)]
            recipient = rng.choice(pool)
            if i % 2 == 0:
                raw = _transfer_raw(sender.address, recipient, 1_000_000 + i, node)
            else:
                raw = _token_transfer_raw(sender.address, recipient, 1_000 + i, node)
            node.sign_and_admit(raw, sender.private_key)
            expected += recipient in watched_set
        node.produce_block()
        if number % 50 == 49:
            rate = (number + 1) / (time.monotonic() - started)
            print(f"  built {number + 1}/{blocks} blocks ({rate:.1f} blocks/s)", flush=True)
    node.produce_block()  # an empty block on top, so every loaded block has a successor
    persistence.save(node, path)
    meta = {
        "blocks": blocks,
        "transfers": transfers,
        "watched": [to_base58(a) for a in watched_pool],
        "expected_watched_transfers": expected,
        "head": node.head.number,
    }
    path.with_suffix(".meta.json").write_text(json.dumps(meta))


class DevnetProcess:
    """``python -m devnet`` on a free port in its own process (its own core and GIL)."""

    def __init__(self, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devnet", "--port", "0", "--save-every", "0", *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"devnet did not start: {line!r}")
        self.url = line.split("listening on", 1)[1].split()[0]
        # Drain the banner so the pipe never fills.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# -- Django -----------------------------------------------------------------------------


def setup_django() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    import django

    django.setup()
    from django.db import connection

    # A throwaway database of our own, beside whatever tests are running.
    connection.settings_dict["TEST"]["NAME"] = f"bench_scanner_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection


def point_at(url: str) -> None:
    from django.conf import settings

    from lucid_payments.tron.adapter.node import reset_node

    settings.TRON_NODE_URLS = [url]
    settings.TRON_NODE_URL = url
    reset_node()


# -- phases -----------------------------------------------------------------------------


def catch_up(state: Path, meta: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings

    from lucid_payments.tron.hooks import transfer_subscribe
    from lucid_payments.tron.models import ChainTransfer
    from lucid_payments.tron.scanner import BlockScanner, scan_once
    from lucid_payments.tron.watch import watch_addresses

    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "chain.json"
        shutil.copy(state, served)  # the devnet rewrites its state file on exit
        print("starting the devnet with the benchmark chain…", flush=True)
        devnet = DevnetProcess(
            "--state", str(served), "--block-time", "0", "--solid-lag", str(SOLID_LAG)
        )
        try:
            point_at(devnet.url)
            settings.TRON_SCAN_START_BLOCK = 1
            watch_addresses(meta["watched"], purpose="bench")
            events = {"n": 0}

            def count(event: object) -> None:  # a subscriber, as domain apps will have
                events["n"] += 1

            transfer_subscribe(count)
            scanner = BlockScanner()
            started = time.perf_counter()
            report = None
            while report is None or not report.caught_up:
                report = scan_once(scanner, max_blocks=1000)
            elapsed = time.perf_counter() - started
            scanner.close()
        finally:
            devnet.stop()
    recorded = ChainTransfer.objects.count()
    blocks = meta["head"]  # blocks 1..head were scanned
    return {
        "catchup_blocks": blocks,
        "catchup_seconds": round(elapsed, 2),
        "catchup_blocks_per_s": round(blocks / elapsed, 1),
        "transfers_per_block": meta["transfers"],
        "watched_addresses": len(meta["watched"]),
        "recorded_transfers": recorded,
        "expected_transfers": meta["expected_watched_transfers"],
        "events_published": events["n"],
    }


def seen_latency(seconds: float, watched: list[str]) -> dict[str, Any]:
    from django.conf import settings
    from django.db import transaction

    from lucid_payments.tron.hooks import TransferEvent, transfer_subscribe
    from lucid_payments.tron.models import ChainTransfer, ScanCursor, ScannedBlock
    from lucid_payments.tron.scanner import BlockScanner, scan_once

    ChainTransfer.objects.all().delete()
    ScannedBlock.objects.all().delete()
    ScanCursor.objects.all().delete()
    # Start at the head: this measures latency from now on, not a new install's catch-up.
    settings.TRON_SCAN_START_BLOCK = None
    settings.TRON_SCAN_START_LOOKBACK = 0
    seen_at: dict[tuple[str, int], float] = {}

    def on_event(event: TransferEvent) -> None:
        if event.status == "seen":
            key = (event.txid, event.index)
            transaction.on_commit(lambda: seen_at.setdefault(key, time.time()))

    transfer_subscribe(on_event)
    devnet = DevnetProcess("--block-time", str(BLOCK_INTERVAL_S), "--solid-lag", str(SOLID_LAG))
    stop = threading.Event()
    sent = {"n": 0}

    def send() -> None:
        import httpx

        rng = random.Random(7)
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                address = rng.choice(watched)
                client.post(
                    f"{devnet.url}/devnet/faucet",
                    json={"address": address, "trx": 1_000_000, "usdt": 1_000_000},
                )
                sent["n"] += 2
                stop.wait(0.1)

    try:
        point_at(devnet.url)
        scanner = BlockScanner()
        scan_once(scanner)  # places the cursor at the head
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            report = scan_once(scanner)
            if report is None or report.caught_up:
                time.sleep(SCAN_INTERVAL_S)
        stop.set()
        sender.join()
        # Keep scanning as usual until the last transfers sent are in a block and seen.
        deadline = time.monotonic() + BLOCK_INTERVAL_S + 1
        while time.monotonic() < deadline:
            report = scan_once(scanner)
            if report is None or report.caught_up:
                time.sleep(SCAN_INTERVAL_S)
        scanner.close()
    finally:
        stop.set()
        devnet.stop()
    blocks_ms = dict(
        ((txid, index), ts)
        for txid, index, ts in ChainTransfer.objects.values_list(
            "txid", "index", "block_timestamp_ms"
        )
    )
    latencies = sorted(seen_at[key] - blocks_ms[key] / 1000 for key in seen_at if key in blocks_ms)
    if len(latencies) < 2:
        raise RuntimeError("too few transfers seen to measure latency")
    return {
        "block_interval_s": BLOCK_INTERVAL_S,
        "seen_samples": len(latencies),
        "seen_p50_s": round(statistics.median(latencies), 3),
        "seen_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "seen_max_s": round(latencies[-1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--transfers", type=int, default=300, help="per block")
    parser.add_argument("--watched", type=int, default=10_000)
    parser.add_argument("--latency-seconds", type=float, default=45.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--with-subscribers",
        action="store_true",
        help="keep the installed apps' transfer handlers (wallets deposits…)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached chain")
    args = parser.parse_args()

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    state = CACHE_DIR / f"scanner-{args.blocks}x{args.transfers}-w{args.watched}-s{args.seed}.json"
    if args.rebuild or not state.exists() or not state.with_suffix(".meta.json").exists():
        print(
            f"building the chain ({args.blocks} blocks x {args.transfers} transfers)…", flush=True
        )
        build_chain(
            state,
            blocks=args.blocks,
            transfers=args.transfers,
            watched=args.watched,
            seed=args.seed,
        )
    meta = json.loads(state.with_suffix(".meta.json").read_text())

    connection = setup_django()
    if not args.with_subscribers:
        # Measure the scanner itself; domain apps' handlers run inside its transactions
        # and their cost is theirs (see bench/README.md).
        from lucid_payments.tron import hooks

        hooks._handlers.clear()
        hooks._batch_handlers.clear()
    try:
        results = catch_up(state, meta)
        print(
            f"catch-up: {results['catchup_blocks']} blocks in {results['catchup_seconds']} s "
            f"= {results['catchup_blocks_per_s']} blocks/s; "
            f"{results['recorded_transfers']} transfers recorded",
            flush=True,
        )
        if results["recorded_transfers"] != results["expected_transfers"]:
            print(f"MISMATCH: expected {results['expected_transfers']} transfers", flush=True)
        if args.latency_seconds > 0:
            results.update(seen_latency(args.latency_seconds, meta["watched"]))
            print(
                f"seen latency at {BLOCK_INTERVAL_S:.0f} s blocks: p50 "
                f"{results['seen_p50_s']} s, p95 {results['seen_p95_s']} s "
                f"({results['seen_samples']} transfers)",
                flush=True,
            )
    finally:
        from lucid_payments.tron.adapter.node import reset_node

        reset_node()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
