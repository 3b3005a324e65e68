"""``manage.py energy_wallet create|freeze|unfreeze|status``: the platform's energy wallet.

The energy wallet stakes the platform's TRX for energy and delegates it to our addresses
when they send USDT (``usdt.energy``). Fund it by sending TRX to its address (``status``
shows it), then ``freeze --trx N``. Freeze and unfreeze are recorded as outgoing
transactions that the worker signs and sends; follow them with ``status``.
"""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import ApplicationError
from lucid_payments.core.money import Asset, format_amount
from usdt.energy.wallet import (
    energy_wallet_create,
    energy_wallet_freeze,
    energy_wallet_status,
    energy_wallet_unfreeze,
)

SUN_PER_TRX = 1_000_000
ACTOR = AuditActor.system("manage.py energy_wallet")


def _trx(sun: int) -> str:
    return f"{format_amount(sun, Asset.TRX)} TRX"


class Command(BaseCommand):
    help = (
        "Operate the platform's energy wallet: create it, freeze TRX for ENERGY, unfreeze, "
        "show its status (balance, staked, energy, delegations)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create the energy wallet (once per network)")
        create.add_argument("--label", default="energy")
        for name, what in (("freeze", "Stake"), ("unfreeze", "Start unstaking")):
            sub = actions.add_parser(name, help=f"{what} TRX for ENERGY")
            sub.add_argument("--trx", type=int, required=True, help="Whole TRX")
            sub.add_argument(
                "--reference",
                default="",
                help="Idempotency reference (a retry with the same one records nothing new)",
            )
        actions.add_parser("status", help="What the chain says about the energy wallet now")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, options: dict[str, Any]) -> None:
        wallet = energy_wallet_create(label=options["label"])
        self.stdout.write(f"Energy wallet {wallet.pk} created: {wallet.address}")
        self.stdout.write("Next: send it TRX, then `manage.py energy_wallet freeze --trx N`.")

    def _stake(self, options: dict[str, Any], action: Any, verb: str) -> None:
        reference = options["reference"] or f"energy-wallet:{verb}:{uuid.uuid4().hex}"
        self.stdout.write(f"Recording the {verb} of {options['trx']} TRX for ENERGY…")
        outgoing = action(amount_sun=options["trx"] * SUN_PER_TRX, reference=reference, actor=ACTOR)
        self.stdout.write(
            f"Recorded as outgoing transaction {outgoing.id} ({outgoing.status}, reference "
            f"{reference}); the worker signs and sends it. Follow with `energy_wallet status`."
        )

    def _freeze(self, options: dict[str, Any]) -> None:
        self._stake(options, energy_wallet_freeze, "freeze")

    def _unfreeze(self, options: dict[str, Any]) -> None:
        self._stake(options, energy_wallet_unfreeze, "unfreeze")

    def _status(self, options: dict[str, Any]) -> None:
        self.stdout.write("Reading the energy wallet from the node…")
        status = energy_wallet_status()
        lines = [
            f"address:            {status.address}",
            f"on chain:           {'yes' if status.exists_on_chain else 'not activated yet'}",
            f"balance:            {_trx(status.balance_sun)}",
            f"staked for energy:  {_trx(status.staked_for_energy_sun)}",
            f"unfreezing:         {_trx(status.unfreezing_sun)}",
            f"energy:             {status.energy_used} used of {status.energy_limit}",
            f"can delegate:       {_trx(status.can_delegate_sun)}",
            f"delegating to:      {', '.join(status.delegating_to) or 'nobody'}",
        ]
        self.stdout.write("\n".join(lines))
