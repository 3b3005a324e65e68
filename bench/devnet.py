"""Benchmark the devnet: build a busy chain, then serve its blocks the way a scanner reads them.

    python -m bench.devnet                 # 1,000 blocks x 300 transfers (the issue's figure)
    python -m bench.devnet --blocks 50     # a quick check

Phase 1 signs and submits real transactions (half TRX transfers, half USDT transfers, from
ten genesis senders to a pool of recipients that starts empty) through the in-process node
API, i.e. the full admission path: txID from protobuf bytes, signature recovery, TaPoS,
expiration, duplicate check, bandwidth/energy accounting, execution. Phase 2 starts the HTTP
server and times `getblockbynum` + `gettransactioninfobyblocknum` for sampled blocks, first
uncached (rendered on demand) and then cached, over one keep-alive connection.
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import threading
import time
from typing import Any

from devnet.crypto import address_of_private_key, sha256
from devnet.node import Node
from devnet.server import DevnetServer
from devnet.txcodec import Contract, RawTransaction, build_transaction

TRANSFER_SELECTOR = bytes.fromhex("a9059cbb")


def _transfer(owner: bytes, to: bytes, amount: int, reference: dict[str, Any]) -> RawTransaction:
    contract = Contract(
        "TransferContract", {"owner_address": owner, "to_address": to, "amount": amount}, 0
    )
    return build_transaction(contract, **reference)


def _token_transfer(
    owner: bytes, token: bytes, to: bytes, amount: int, reference: dict[str, Any]
) -> RawTransaction:
    data = TRANSFER_SELECTOR + to[1:].rjust(32, b"\0") + amount.to_bytes(32, "big")
    contract = Contract(
        "TriggerSmartContract", {"owner_address": owner, "contract_address": token, "data": data}, 0
    )
    return build_transaction(contract, fee_limit=100_000_000, **reference)


def _reference(node: Node) -> dict[str, Any]:
    """ref_block_bytes/hash and expiration: the same for every transaction built this block."""
    fields = node.reference_fields()
    return {
        "ref_block_bytes": bytes.fromhex(fields["ref_block_bytes"]),
        "ref_block_hash": bytes.fromhex(fields["ref_block_hash"]),
        "expiration": fields["expiration"],
        "timestamp": fields["timestamp"],
    }


def build_chain(blocks: int, per_block: int, recipients: int) -> tuple[Node, float, float]:
    clock_start = time.time()
    node = Node(seed=0, block_time=0, solid_lag=0, clock=lambda: clock_start)
    senders = node.accounts
    token = node.world.token.address
    pool = [
        address_of_private_key(sha256(f"bench-recipient-{i}".encode())) for i in range(recipients)
    ]
    rng = random.Random(42)

    # Block 1: give every sender USDT so that all of them can send both assets.
    reference = _reference(node)
    for index, sender in enumerate(senders[1:], start=1):
        raw = _token_transfer(
            senders[0].address,
            token,
            sender.address,
            10**15,
            {**reference, "timestamp": reference["timestamp"] + index},
        )
        node.sign_and_admit(raw, senders[0].private_key)
    node.produce_block()

    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(blocks):
        reference = _reference(node)
        base_time = reference["timestamp"]
        for index in range(per_block):
            sender = senders[index % len(senders)]
            to = pool[rng.randrange(recipients)]
            reference["timestamp"] = base_time + index  # distinct txIDs
            if index % 2:
                raw = _token_transfer(sender.address, token, to, rng.randrange(1, 10**9), reference)
            else:
                raw = _transfer(sender.address, to, rng.randrange(1, 10**6), reference)
            node.sign_and_admit(raw, sender.private_key)
        node.produce_block()
    return node, time.perf_counter() - started, time.process_time() - cpu_started


def _timed_get_block(connection: http.client.HTTPConnection, number: int) -> float:
    started = time.perf_counter()
    for path in ("/wallet/getblockbynum", "/wallet/gettransactioninfobyblocknum"):
        connection.request(
            "POST",
            path,
            body=json.dumps({"num": number}),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or len(body) < 100:
            raise RuntimeError(f"unexpected answer for block {number}: {body[:200]!r}")
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure_serving(node: Node, samples: int) -> dict[str, float]:
    server = DevnetServer(node, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        numbers = random.Random(7).sample(
            range(2, node.head.number + 1), min(samples, node.head.number - 1)
        )
        cold = [_timed_get_block(connection, n) for n in numbers]
        warm = [_timed_get_block(connection, n) for n in numbers]
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
    return {
        "serve_block_ms": round(statistics.median(warm), 3),
        "serve_block_p95_ms": round(_percentile(warm, 0.95), 3),
        "serve_block_uncached_ms": round(statistics.median(cold), 3),
        "serve_block_uncached_p95_ms": round(_percentile(cold, 0.95), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.devnet", description=__doc__)
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--per-block", type=int, default=300)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)

    node, build_s, build_cpu_s = build_chain(args.blocks, args.per_block, args.recipients)
    transactions = args.blocks * args.per_block
    print(
        f"built {args.blocks} blocks x {args.per_block} transfers in {build_s:.1f} s "
        f"({transactions / build_s:,.0f} tx/s; {build_cpu_s:.1f} s of CPU)"
    )
    serving = measure_serving(node, args.samples)
    print(
        f"getblockbynum + gettransactioninfobyblocknum: {serving['serve_block_ms']} ms "
        f"(p95 {serving['serve_block_p95_ms']} ms) cached, "
        f"{serving['serve_block_uncached_ms']} ms first time"
    )
    print(
        json.dumps(
            {
                "blocks": args.blocks,
                "per_block": args.per_block,
                "transactions": transactions,
                "build_s": round(build_s, 2),
                "build_cpu_s": round(build_cpu_s, 2),
                "tx_per_s": round(transactions / build_s),
                **serving,
            }
        )
    )


if __name__ == "__main__":
    main()
