"""The soak with faults: the whole platform, as ``make up`` runs it, under a random workload
while the node fails and the worker and the scanner are killed.

    python -m bench.soak --minutes 10
    python -m bench.soak --minutes 1 --seed 7 --database-server postgresql://postgres@127.0.0.1:5432

It starts the stack on free ports (never 8090-8098) with its own database (dropped at the
end) and a devnet making a block a second, solid 4 blocks later. Then, for ``--minutes``:
invoices paid in full, partly, late and not at all, customer deposits, refunds, TRX and
USDT transfers from a hot wallet (bench/soak/workloads.py), with webhooks to a receiver
that fails a third of the time; meanwhile the node drops broadcasts, answers SERVER_BUSY
and 503, forks, and the worker and the scanner are SIGKILLed and restarted
(bench/soak/faults.py). Then it waits for everything to settle and checks:
``reconcile`` and ``ledger_verify`` clean, no refund or transfer on chain twice (counted in
the devnet's blocks), every event acknowledged by the receiver, invoices and deposits
credited with exactly what reached the chain. Progress goes to stderr; the last line on
stdout is the JSON summary. Exit status 0 when every invariant held.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.soak.run import SoakOptions, soak_run

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _report(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--minutes", type=float, default=10.0, help="workload length (default 10)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument(
        "--database-server",
        default=os.environ.get("SOAK_DATABASE_SERVER", DEFAULT_SERVER),
        help="PostgreSQL server URL; a database of the run's own is made there "
        f"(default $SOAK_DATABASE_SERVER or {DEFAULT_SERVER})",
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="logs and state (default: a temporary one)"
    )
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between workload steps (default 1)"
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        workdir = args.workdir or Path(scratch)
        options = SoakOptions(
            args.minutes, seed, args.database_server, workdir, step_pause_s=args.pause
        )
        _report(f"soak: {args.minutes} min, seed {seed}, logs in {workdir / 'logs'}")
        summary = soak_run(options, _report)
    print(json.dumps(summary, sort_keys=True), flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
