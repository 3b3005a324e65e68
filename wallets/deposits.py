"""Money in: a final transfer to an address in custody credits its owner (the customer of
a deposit address, the client of any other keyed wallet, the platform for its own), unless
it is one of our internal movements; ``wallets.custody`` states the rule.

Subscribed to the chain app's transfer hook (in bulk: ``transfer_subscribe_batch``), so
the credit is written inside the very transaction that marks the transfer final: both
commit or neither does. The ledger reference is the transfer's identity on chain
(network, txid, index), so even a handler called twice for the same transfer books it
once.

While the scanner catches up, a block brings hundreds of final transfers to watched
addresses. The addresses of a whole list of events are therefore resolved in one query
(and their txids in a second, if any reaches an address in custody), not two per event;
nothing is cached across calls, so an address assigned a moment ago is found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence

from lucid_payments.core.money import Asset
from lucid_payments.tron.hooks import TransferEvent
from wallets.custody import custody_owners, internal_movement_txids
from wallets.events import deposit_event_publish
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.ledger import DEPOSIT_REFERENCE_PREFIX
from wallets.tokens import asset_of_transfer

logger = logging.getLogger(__name__)

FINAL = "final"
# Statuses of a chain transfer that a deposit reports (see wallets.events).
REPORTED = ("seen", FINAL, "dropped")

# (network, addresses) → {address: asset} of those whose transfers of that asset another app
# reports to the client itself (an invoice's address: the gateway publishes invoice events).
# They are credited here all the same; only the deposit event is left to that app.
EventClaimer = Callable[[str, Collection[str]], dict[str, str]]
_event_claimers: list[EventClaimer] = []


def deposit_events_claim(claimer: EventClaimer) -> None:
    """Register ``claimer`` (from an ``AppConfig.ready``); registering twice has no effect."""
    if claimer not in _event_claimers:
        _event_claimers.append(claimer)


def _claimed(network: str, addresses: Collection[str]) -> dict[str, str]:
    claimed: dict[str, str] = {}
    for claimer in _event_claimers:
        claimed |= claimer(network, addresses)
    return claimed


def deposit_reference(event: TransferEvent) -> str:
    return f"{DEPOSIT_REFERENCE_PREFIX}{event.network}:{event.txid}:{event.index}"


def deposits_on_transfers(events: Sequence[TransferEvent]) -> None:
    """Credit the final transfers among ``events`` that reach an address in custody, each
    to that address's ledger owner, in the order given, except our own internal movements
    (``wallets.custody`` has the rule), and publish each one's deposit event (seen,
    credited, dropped) in the same transaction. No network calls."""
    assets: dict[tuple[str, str, str], Asset | None] = {}  # one lookup per token, not per event
    reported: list[tuple[TransferEvent, Asset]] = []
    for event in events:
        if event.status not in REPORTED or event.amount <= 0:
            continue
        key = (event.network, event.asset, event.token_contract)
        if key not in assets:
            assets[key] = asset_of_transfer(
                network=event.network, asset=event.asset, token_contract=event.token_contract
            )
        asset = assets[key]
        if asset is not None:
            reported.append((event, asset))
    for network in {event.network for event, _ in reported}:
        _deposits([(e, a) for e, a in reported if e.network == network], network=network)


def _deposits(transfers: Sequence[tuple[TransferEvent, Asset]], *, network: str) -> None:
    owners = custody_owners({event.to_address for event, _ in transfers}, network=network)
    deposits = [(event, asset) for event, asset in transfers if event.to_address in owners]
    if not deposits:
        return
    internal = internal_movement_txids(network=network, txids={event.txid for event, _ in deposits})
    claimed = _claimed(network, {event.to_address for event, _ in deposits})
    for event, asset in deposits:
        if event.txid in internal:
            continue
        owner = owners[event.to_address]
        if event.status == FINAL:
            _credit(event, asset, owner)
        if claimed.get(event.to_address) == asset:
            continue
        deposit_event_publish(transfer=event, asset=asset, owner=owner)


def _credit(event: TransferEvent, asset: Asset, owner: LedgerOwner) -> None:
    ledger_credit(
        owner=owner,
        asset=asset,
        amount=event.amount,
        reference=deposit_reference(event),
        description=f"deposit to {event.to_address}",
        data={
            "txid": event.txid,
            "index": event.index,
            "network": event.network,
            "from": event.from_address,
            "to": event.to_address,
            "block": event.block_number,
            "transfer_id": event.transfer_id,
        },
    )
    logger.info(
        "Credited deposit %s:%s of %s %s base units to %s",
        event.txid,
        event.index,
        event.amount,
        asset,
        owner,
    )
