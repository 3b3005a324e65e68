"""Money in: a final transfer to a customer's deposit address credits the customer.

Subscribed to the chain app's transfer hook, so the credit is written inside the very
transaction that marks the transfer final: both commit or neither does. The ledger
reference is the transfer's identity on chain (network, txid, index), so even a handler
called twice for the same transfer books it once.
"""

from __future__ import annotations

import logging

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
    """Credit a final transfer to a customer deposit address (no network calls)."""
    if event.status != FINAL or event.amount <= 0:
        return
    asset = asset_of_transfer(
        network=event.network, asset=event.asset, token_contract=event.token_contract
    )
    if asset is None:
        return
    address = (
        WalletAddress.objects.select_related("wallet", "customer")
        .filter(address=event.to_address, customer__isnull=False, wallet__network=event.network)
        .first()
    )
    if address is None or address.customer is None:
        return
    if WalletAddress.objects.filter(address=event.from_address).exists():
        # Our own movement (e.g. the fee wallet topping up TRX for a sweep): the money
        # stays in custody and is not the customer's.
        return
    customer = address.customer
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
