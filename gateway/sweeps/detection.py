"""Which addresses the sweeper looks at: a final deposit to one of a client's deposit
addresses (an invoice's or a customer's) marks it due.

Subscribed to the scanner's hook, so the mark commits with the transfer becoming final;
the sweeper reads the balances later, outside any transaction. Our own movements to a
deposit address (the energy policy's activation, a fee-wallet top-up) never mark it:
they are there to pay for a sweep, not to be swept.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from gateway.sweeps.models import SweepAddress
from lucid_payments.tron.hooks import TransferEvent
from wallets.custody import internal_movement_txids
from wallets.models.wallets import WalletAddress, WalletKind

FINAL = "final"


def sweep_addresses_on_transfers(events: Sequence[TransferEvent]) -> None:
    """Mark due the deposit addresses that ``events`` brought a final deposit to (no
    network calls; two queries per network whatever the number of events)."""
    finals = [event for event in events if event.status == FINAL and event.amount > 0]
    for network in {event.network for event in finals}:
        mine = [event for event in finals if event.network == network]
        deposit_addresses = dict(
            WalletAddress.objects.filter(
                Q(address__in={event.to_address for event in mine}),
                in_custody=True,
                wallet__network=network,
                wallet__kind=WalletKind.DEPOSIT,
                wallet__client__isnull=False,
            ).values_list("address", "wallet__client_id")
        )
        if not deposit_addresses:
            continue
        internal = internal_movement_txids(network=network, txids={e.txid for e in mine})
        due = {
            event.to_address
            for event in mine
            if event.to_address in deposit_addresses and event.txid not in internal
        }
        now = timezone.now()
        for address in sorted(due):
            row, created = SweepAddress.objects.get_or_create(
                network=network,
                address=address,
                defaults={"client_id": deposit_addresses[address], "due_since": now},
            )
            if not created and not row.due:
                SweepAddress.objects.filter(pk=row.pk).update(due=True, due_since=now)
