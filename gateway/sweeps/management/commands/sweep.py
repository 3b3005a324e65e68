"""``manage.py sweep``: one pass of the sweeper now, instead of waiting for the worker's
once-a-minute schedule. ``--address`` marks addresses due first (as a new deposit would).

The pass records sweeps; the worker signs and sends their transactions (and the energy
policy's) as usual. Safe to run while the worker runs: a pass sweeps each address once.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gateway.sweeps.models import SweepAddress
from gateway.sweeps.runner import sweeps_run


class Command(BaseCommand):
    help = (
        "Run one pass of the sweeper: complete final sweeps with their costs, sweep deposit "
        "addresses over their client's threshold to its hot wallet, and send hot wallets' "
        "excess over their cap to the cold wallet."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--address",
            action="append",
            default=[],
            help="a deposit address to look at even without a new deposit (repeatable)",
        )
        parser.add_argument(
            "--limit", type=int, default=200, help="due addresses read in this pass (200)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for address in options["address"]:
            marked = SweepAddress.objects.filter(
                network=settings.TRON_NETWORK, address=address
            ).update(due=True, due_since=timezone.now())
            if not marked:
                raise CommandError(f"{address} has never received a deposit to sweep.")
        result = sweeps_run(limit=options["limit"], progress=self.stdout.write)
        self.stdout.write(
            f"Done: {result.started} sweeps started, {result.failed} failed at once, "
            f"{result.completed} completed, {result.excess} excess sweeps to cold."
        )
