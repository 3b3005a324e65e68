"""Money in: a final transfer to a customer's deposit address credits the customer.

Subscribed to the chain app's transfer hook (in bulk: ``transfer_subscribe_batch``), so
the credit is written inside the very transaction that marks the transfer final: both
commit or neither does. The ledger reference is the transfer's identity on chain
(network, txid, index), so even a handler called twice for the same transfer books it
once.

While the scanner catches up, a block brings hundreds of final transfers to watched
addresses, most of them not customers' deposit addresses (hot wallets, payouts…). The
addresses of a whole list of events are therefore resolved in one query (two if any is a
customer's), not two per event; nothing is cached across calls, so an address assigned a
moment ago is found.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import connection

from lucid_payments.accounts.models import Customer
from lucid_payments.core.money import Asset
from lucid_payments.tron.hooks import TransferEvent
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.wallets import Wallet, WalletAddress
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
    assets: dict[tuple[str, str, str], Asset | None] = {}  # one lookup per token, not per event
    finals: list[tuple[TransferEvent, Asset]] = []
    for event in events:
        if event.status != FINAL or event.amount <= 0:
            continue
        key = (event.network, event.asset, event.token_contract)
        if key not in assets:
            assets[key] = asset_of_transfer(
                network=event.network, asset=event.asset, token_contract=event.token_contract
            )
        asset = assets[key]
        if asset is not None:
            finals.append((event, asset))
    if not finals:
        return
    deposit_addresses = _customer_deposit_addresses({event.to_address for event, _ in finals})
    to_customers = [
        (event, asset, deposit)
        for event, asset in finals
        if (deposit := deposit_addresses.get((event.to_address, event.network))) is not None
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
    for event, asset, deposit in to_customers:
        if event.from_address not in ours:
            _credit(event, asset, deposit)


@dataclass(frozen=True, slots=True)
class _DepositAddress:
    address: str
    customer_id: int
    client_id: int


def _customer_deposit_addresses(
    addresses: Collection[str],
) -> dict[tuple[str, str], _DepositAddress]:
    """(address, network) -> its customer, for those of ``addresses`` that are customers'
    deposit addresses. One array parameter: an ``__in`` of a block's ~150 addresses costs
    Django a prepared parameter each, which was most of this handler's time."""
    table = connection.ops.quote_name
    sql = (
        f"SELECT a.address, w.network, c.id, c.client_id "  # noqa: S608 - our identifiers only
        f"FROM {table(WalletAddress._meta.db_table)} a "
        f"JOIN {table(Wallet._meta.db_table)} w ON w.id = a.wallet_id "
        f"JOIN {table(Customer._meta.db_table)} c ON c.id = a.customer_id "
        "WHERE a.address = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(addresses)])
        return {
            (address, network): _DepositAddress(address, customer_id, client_id)
            for address, network, customer_id, client_id in cursor.fetchall()
        }


def _credit(event: TransferEvent, asset: Asset, deposit: _DepositAddress) -> None:
    ledger_credit(
        owner=LedgerOwner.customer(deposit.customer_id, client_id=deposit.client_id),
        asset=asset,
        amount=event.amount,
        reference=deposit_reference(event),
        description=f"deposit to {deposit.address}",
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
        deposit.customer_id,
    )
