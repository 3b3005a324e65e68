"""Benchmark the devnet: build a busy chain, then serve its blocks the way a scanner reads them.

    python -m bench.devnet                 # 1,000 blocks x 300 transfers (the issue's figure)
    python -m bench.devnet --blocks 50     # a quick check

Three phases, each timed on its own:

1. Client (`sign_s`): plan 1,000 x 300 transfers (half TRX, half USDT `transfer`, from ten
   genesis senders to a pool of recipients that starts empty) and sign every one in a pool of
   processes, one per core. This is the wallets' work, not the node's, so it is kept out of
   `build_s`. Every transaction references block 1 (TaPoS) and expires after the last
   block, so all of them can be signed before the node produces anything.
2. Node (`build_s` wall, `build_cpu_s` process CPU): submit each signed transaction through
   the node's full admission path in-process (raw_data encoded to protobuf and hashed to the
   txID, signature recovery, TaPoS, expiration, duplicate check, bandwidth/energy
   accounting, execution) and produce a block after every 300.
3. Serving: start the HTTP server and time `getblockbynum` + `gettransactioninfobyblocknum`
   for sampled blocks over one keep-alive connection, the first time (rendered on demand,
   `visible` false and true) and again (cached); and `getblockbylimitnext` for batches of
   100 blocks never rendered before, as a catching-up scanner reads them.

The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from devnet.blocks import tapos_hash, tapos_key
from devnet.crypto import address_of_private_key, sha256, sign_digest
from devnet.node import MAX_EXPIRATION_WINDOW_MS, Node
from devnet.server import DevnetServer
from devnet.txcodec import Contract, RawTransaction, build_transaction

TRANSFER_SELECTOR = bytes.fromhex("a9059cbb")
TOKEN_FEE_LIMIT = 100_000_000
FUNDING = 10**15  # USDT base units each sender gets in block 1


# One transfer of the benchmark: (USDT?, sender index, recipient, amount, timestamp); every
# timestamp is distinct, so every txID is. A plain tuple, not a dataclass: the plan holds
# 300,000 of them while the node works, and the cyclic GC stops scanning tuples of atoms
# but would rescan 300,000 objects at every full collection, charging the node for them.
Planned = tuple[bool, int, bytes, int, int]


@dataclass(frozen=True)
class ChainContext:
    """What a client needs to build the same transactions the node will see."""

    senders: tuple[bytes, ...]
    token: bytes
    ref_block_bytes: bytes
    ref_block_hash: bytes
    expiration: int


def raw_transaction(planned: Planned, context: ChainContext) -> RawTransaction:
    token, sender, to, amount, timestamp = planned
    owner = context.senders[sender]
    reference: dict[str, Any] = {
        "ref_block_bytes": context.ref_block_bytes,
        "ref_block_hash": context.ref_block_hash,
        "expiration": context.expiration,
        "timestamp": timestamp,
    }
    if token:
        data = TRANSFER_SELECTOR + to[1:].rjust(32, b"\0") + amount.to_bytes(32, "big")
        call: dict[str, Any] = {
            "owner_address": owner,
            "contract_address": context.token,
            "data": data,
        }
        contract = Contract("TriggerSmartContract", call, 0)
        return build_transaction(contract, fee_limit=TOKEN_FEE_LIMIT, **reference)
    transfer: dict[str, Any] = {
        "owner_address": owner,
        "to_address": to,
        "amount": amount,
    }
    return build_transaction(Contract("TransferContract", transfer, 0), **reference)


# ---- phase 1: the clients sign (in worker processes) ----------------------------------------
_worker_keys: tuple[bytes, ...] = ()
_worker_context: ChainContext | None = None


def _init_signer(keys: tuple[bytes, ...], context: ChainContext) -> None:
    global _worker_keys, _worker_context
    _worker_keys, _worker_context = keys, context


def _sign_chunk(chunk: list[Planned]) -> list[str]:
    assert _worker_context is not None
    return [
        sign_digest(
            _worker_keys[planned[1]],
            bytes.fromhex(raw_transaction(planned, _worker_context).txid),
        ).hex()
        for planned in chunk
    ]


def sign_all(
    planned: list[Planned], keys: tuple[bytes, ...], context: ChainContext, workers: int
) -> list[str]:
    """Signatures (hex, as a client sends them) in plan order, made by `workers` processes."""
    chunk_size = max(1, len(planned) // (workers * 8))
    chunks = [planned[i : i + chunk_size] for i in range(0, len(planned), chunk_size)]
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_signer, initargs=(keys, context)
    ) as pool:
        return [signature for signed in pool.map(_sign_chunk, chunks) for signature in signed]


# ---- phase 2: the node admits and produces ---------------------------------------------------
def _fund_senders(node: Node) -> None:
    """Block 1: give every sender USDT so that all of them can send both assets."""
    senders = node.accounts
    fields = node.reference_fields()
    context = ChainContext(
        senders=tuple(sender.address for sender in senders),
        token=node.world.token.address,
        ref_block_bytes=bytes.fromhex(fields["ref_block_bytes"]),
        ref_block_hash=bytes.fromhex(fields["ref_block_hash"]),
        expiration=fields["expiration"],
    )
    for index, sender in enumerate(senders[1:], start=1):
        planned = (True, 0, sender.address, FUNDING, fields["timestamp"] + index)
        node.sign_and_admit(raw_transaction(planned, context), senders[0].private_key)
    node.produce_block()


def plan_chain(
    node: Node, blocks: int, per_block: int, recipients: int
) -> tuple[list[Planned], ChainContext]:
    senders = node.accounts
    pool = [
        address_of_private_key(sha256(f"bench-recipient-{i}".encode())) for i in range(recipients)
    ]
    reference = node.head  # block 1: TaPoS allows any of the last 65,536 blocks
    # Valid from now until after the last block (at most the 24 h a node accepts).
    lifetime_ms = min(MAX_EXPIRATION_WINDOW_MS, (blocks + 10) * node.interval_ms)
    context = ChainContext(
        senders=tuple(sender.address for sender in senders),
        token=node.world.token.address,
        ref_block_bytes=tapos_key(reference.number),
        ref_block_hash=tapos_hash(reference.block_id),
        expiration=reference.timestamp + lifetime_ms,
    )
    rng = random.Random(42)
    first_timestamp = node.now_ms()
    planned = []
    for index in range(blocks * per_block):
        slot = index % per_block
        to = pool[rng.randrange(recipients)]
        token = slot % 2 == 1
        amount = rng.randrange(1, 10**9) if token else rng.randrange(1, 10**6)
        planned.append((token, slot % len(senders), to, amount, first_timestamp + index))
    return planned, context


def build_chain(
    node: Node, planned: list[Planned], signatures: list[str], context: ChainContext, per_block: int
) -> tuple[float, float]:
    """Admit every planned transaction (a block after each `per_block`); (wall s, CPU s)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for index, (transfer, signature) in enumerate(zip(planned, signatures, strict=True)):
        node.admit(raw_transaction(transfer, context), (signature,))
        if index % per_block == per_block - 1:
            node.produce_block()
    return time.perf_counter() - started, time.process_time() - cpu_started


def _post(connection: http.client.HTTPConnection, path: str, body: dict[str, Any]) -> bytes:
    connection.request(
        "POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    text = response.read()
    if response.status != 200 or len(text) < 100:
        raise RuntimeError(f"unexpected answer to {path} {body}: {text[:200]!r}")
    return text


def _timed_get_block(
    connection: http.client.HTTPConnection, number: int, visible: bool
) -> tuple[float, float]:
    """getblockbynum + gettransactioninfobyblocknum for one block: (wall ms, CPU ms).

    Server and client share this process, so the CPU figure is the server's work plus the
    client's reading of the answer; unlike wall time it does not grow with the machine's load.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in ("/wallet/getblockbynum", "/wallet/gettransactioninfobyblocknum"):
        _post(connection, path, {"num": number, "visible": visible})
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000


def _timed_scan(
    connection: http.client.HTTPConnection, start: int, end: int
) -> tuple[float, float]:
    """A catching-up scanner's read of blocks [start, end): one getblockbylimitnext, then
    gettransactioninfobyblocknum per block. (batch ms, whole read ms)."""
    started = time.perf_counter()
    _post(connection, "/wallet/getblockbylimitnext", {"startNum": start, "endNum": end})
    batch_ms = (time.perf_counter() - started) * 1000
    for number in range(start, end):
        _post(connection, "/wallet/gettransactioninfobyblocknum", {"num": number})
    return batch_ms, (time.perf_counter() - started) * 1000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _figures(name: str, timings: list[tuple[float, float]]) -> dict[str, float]:
    wall = [w for w, _ in timings]
    cpu = [c for _, c in timings]
    return {
        f"{name}_ms": round(statistics.median(wall), 3),
        f"{name}_p95_ms": round(_percentile(wall, 0.95), 3),
        f"{name}_cpu_ms": round(statistics.median(cpu), 3),
    }


@contextmanager
def _serving(node: Node) -> Iterator[http.client.HTTPConnection]:
    """A fresh server (so nothing is rendered yet) and one keep-alive connection to it."""
    server = DevnetServer(node, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
    try:
        yield connection
    finally:
        connection.close()
        server.shutdown()
        server.server_close()


def measure_serving(node: Node, samples: int, scan_batches: int) -> dict[str, float]:
    head = node.head.number
    numbers = random.Random(7).sample(range(2, head + 1), min(samples, head - 1))
    with _serving(node) as connection:
        cold = [_timed_get_block(connection, n, visible=False) for n in numbers]
        # Right after the first pass: 200 busy blocks in both forms would outgrow the cache.
        warm = [_timed_get_block(connection, n, visible=False) for n in numbers]
        cold_visible = [_timed_get_block(connection, n, visible=True) for n in numbers]
    spans = [(start, min(start + 100, head + 1)) for start in range(2, head + 1, 100)]
    with _serving(node) as connection:
        scans = [_timed_scan(connection, start, end) for start, end in spans[:scan_batches]]
    scanned_blocks = sum(end - start for start, end in spans[:scan_batches])
    return {
        **_figures("serve_block", warm),
        **_figures("serve_block_uncached", cold),
        **_figures("serve_block_visible_uncached", cold_visible),
        "limitnext_100_uncached_ms": round(statistics.median(batch for batch, _ in scans), 1),
        "scan_read_blocks_per_s": round(scanned_blocks / sum(whole for _, whole in scans) * 1000),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.devnet",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--per-block", type=int, default=300)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--scan-batches", type=int, default=5, help="getblockbylimitnext reads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="signers")
    args = parser.parse_args(argv)

    clock_start = time.time()
    node = Node(seed=0, block_time=0, solid_lag=0, clock=lambda: clock_start)
    _fund_senders(node)
    planned, context = plan_chain(node, args.blocks, args.per_block, args.recipients)
    keys = tuple(sender.private_key for sender in node.accounts)
    started = time.perf_counter()
    signatures = sign_all(planned, keys, context, args.workers)
    sign_s = time.perf_counter() - started
    transactions = len(planned)
    print(
        f"clients: signed {transactions:,} transactions in {sign_s:.1f} s "
        f"({args.workers} processes)"
    )

    build_s, build_cpu_s = build_chain(node, planned, signatures, context, args.per_block)
    del planned, signatures
    print(
        f"node: admitted {transactions:,} transactions into {args.blocks} blocks "
        f"in {build_s:.1f} s "
        f"({transactions / build_s:,.0f} tx/s; {build_cpu_s:.1f} s of CPU)"
    )
    serving = measure_serving(node, args.samples, args.scan_batches)
    print(
        f"getblockbynum + gettransactioninfobyblocknum: {serving['serve_block_ms']} ms cached "
        f"(p95 {serving['serve_block_p95_ms']}), "
        f"first time {serving['serve_block_uncached_ms']} ms "
        f"({serving['serve_block_uncached_cpu_ms']} ms CPU; visible: "
        f"{serving['serve_block_visible_uncached_ms']} ms); getblockbylimitnext of 100 "
        f"new blocks {serving['limitnext_100_uncached_ms']} ms; scanner read ceiling "
        f"{serving['scan_read_blocks_per_s']} blocks/s"
    )
    print(
        json.dumps(
            {
                "blocks": args.blocks,
                "per_block": args.per_block,
                "transactions": transactions,
                "sign_s": round(sign_s, 2),
                "build_s": round(build_s, 2),
                "build_cpu_s": round(build_cpu_s, 2),
                "tx_per_s": round(transactions / build_s),
                **serving,
            }
        )
    )


if __name__ == "__main__":
    main()
