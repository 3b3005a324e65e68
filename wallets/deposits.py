"""Money in: a final transfer to a customer's deposit address credits the customer.

Subscribed to the chain app's transfer hook (in bulk: ``transfer_subscribe_batch``), so
the credit is written inside the very transaction that marks the transfer final: both
commit or neither does. The ledger reference is the transfer's identity on chain
(network, txid, index), so even a handler called twice for the same transfer books it
once.

While the scanner catches up, a block brings hundreds of final transfers to watched
addresses, most of them not customers' deposit addresses (hot wallets, payouts…). The
addresses of a whole list of events are therefore resolved in two queries, not two per
event; nothing is cached across calls, so an address assigned a moment ago is found.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lucid_payments.core.money import Asset
from lucid_payments.tron.hooks import TransferEvent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.wallets import WalletAddress
from wallets.tokens import asset_of_transfer

logger = logging.getLogger(__name__)

FINAL = "final"


def deposit_reference(event: TransferEvent) -> str:
    return f"chain:{event.network}:{event.txid}:{event.index}"


def deposit_on_transfer(event: TransferEvent) -> None:
    """Credit one final transfer to a customer deposit address (no network calls)."""
    deposits_on_transfers([event])


def deposits_on_transfers(events: Sequence[TransferEvent]) -> None:
    """Credit the final transfers among ``events`` that reach a customer's deposit
    address from outside our wallets, in the order given (no network calls)."""
    finals = [(event, asset) for event in events if (asset := _creditable_asset(event)) is not None]
    if not finals:
        return
    deposit_addresses = {
        (address.address, address.wallet.network): address
        for address in WalletAddress.objects.select_related("wallet", "customer").filter(
            address__in={event.to_address for event, _ in finals}, customer__isnull=False
        )
    }
    to_customers = [
        (event, asset, address)
        for event, asset in finals
        if (address := deposit_addresses.get((event.to_address, event.network))) is not None
    ]
    if not to_customers:
        return
    # Our own movements (e.g. the fee wallet topping up TRX for a sweep): the money stays
    # in custody and is not the customer's.
    ours = set(
        WalletAddress.objects.filter(
            address__in={event.from_address for event, _, _ in to_customers}
        ).values_list("address", flat=True)
    )
    for event, asset, address in to_customers:
        if event.from_address not in ours:
            _credit(event, asset, address)


def _creditable_asset(event: TransferEvent) -> Asset | None:
    if event.status != FINAL or event.amount <= 0:
        return None
    return asset_of_transfer(
        network=event.network, asset=event.asset, token_contract=event.token_contract
    )


def _credit(event: TransferEvent, asset: Asset, address: WalletAddress) -> None:
    customer = address.customer
    assert customer is not None  # the query asked for customers' addresses only
    ledger_credit(
        owner=LedgerOwner.customer(customer.pk, client_id=customer.client_id),
        asset=asset,
        amount=event.amount,
        reference=deposit_reference(event),
        description=f"deposit to {address.address}",
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
        "Credited deposit %s:%s of %s %s base units to customer %s",
        event.txid,
        event.index,
        event.amount,
        asset,
        customer.pk,
    )
